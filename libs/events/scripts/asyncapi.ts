import { writeFileSync } from 'node:fs';
import { asyncApiPath, renderAsyncApi } from '../src/asyncapi.ts';

writeFileSync(asyncApiPath, renderAsyncApi());
console.log(`wrote ${asyncApiPath}`);
