import { readFileSync, writeFileSync } from 'node:fs';
import { asyncApiPath, renderAsyncApi } from '../src/asyncapi.ts';
import { architecturePath, withRequestTable } from '../src/request-docs.ts';

writeFileSync(asyncApiPath, renderAsyncApi());
console.log(`wrote ${asyncApiPath}`);
writeFileSync(architecturePath, withRequestTable(readFileSync(architecturePath, 'utf8')));
console.log(`wrote the request catalog into ${architecturePath}`);
