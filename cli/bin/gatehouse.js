#!/usr/bin/env node
// The CLI is TypeScript run through tsx, like every Gatehouse process; registering the
// loader before importing main lets the bin work from any directory, npx included.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
