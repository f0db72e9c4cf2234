/**
 * `npm run bench:profile -- <dir> [--match <text>] [--callers <function>] [--groups]`: for each
 * `.cpuprofile` the bench wrote (npm run bench -- --cpu-prof <dir>), the packages and
 * functions with the most self time, optionally by kind of work (--groups, see
 * profile-groups.ts) and who calls one function. What
 * docs/performance.md quotes when a target is missed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { callersOf, topOfProfile, type CpuProfile } from './profile.ts';
import { groupsOfProfile } from './profile-groups.ts';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { match: { type: 'string' }, callers: { type: 'string' }, groups: { type: 'boolean' } }, allowPositionals: true });
  const dir = positionals[0];
  if (!dir) {
    process.stderr.write('usage: npm run bench:profile -- <dir of .cpuprofile files> [--match <text>] [--callers <function>] [--groups]\n');
    return 2;
  }
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile') && name.includes(values.match ?? '')).sort();
  const out = (line: string) => process.stdout.write(`${line}\n`);
  for (const name of files) {
    const profile = JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile;
    const top = topOfProfile(name, profile);
    out(`\n${name}: ${top.totalMs} ms of work sampled\n  by place:`);
    for (const p of top.places) out(`    ${String(p.share).padStart(5)}%  ${p.where}`);
    if (values.groups) {
      out('  by kind of work:');
      const groups = [...groupsOfProfile(profile)].sort((a, b) => b[1] - a[1]);
      for (const [group, ms] of groups) out(`    ${String(Math.round((1000 * ms) / top.totalMs) / 10).padStart(5)}%  ${group}`);
    }
    out('  by function (self time):');
    for (const f of top.functions) out(`    ${String(f.share).padStart(5)}%  ${f.name}  ${f.where}`);
    if (values.callers) {
      out(`  callers of ${values.callers}:`);
      for (const c of callersOf(profile, values.callers)) out(`    ${String(c.selfMs).padStart(6)} ms  ${c.chain}`);
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
