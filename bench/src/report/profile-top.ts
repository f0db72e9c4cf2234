/**
 * `npm run bench:profile -- <dir>`: the functions with the most self time in each
 * `.cpuprofile` that `--cpu-prof` wrote (npm run bench -- --cpu-prof <dir>), and the
 * packages/files that time falls in. What docs/performance.md quotes when a target is
 * missed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileTop {
  file: string;
  totalMs: number;
  functions: { name: string; where: string; selfMs: number; share: number }[];
  places: { where: string; selfMs: number; share: number }[];
}

/** Where a frame lives, shortened: a package name, a repo path, or node's own (node:…). */
function place(url: string): string {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const repo = /\/((?:services|libs|cli|bench)\/[^/]+)\//.exec(url)?.[1];
  if (repo) return repo;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

export function topOfProfile(file: string, profile: CpuProfile, limit = 15): ProfileTop {
  const self = new Map<number, number>();
  // The idle node is the event loop waiting: not work, so not in the shares.
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, { name: string; where: string; selfMs: number }>();
  const byPlace = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${place(url)}:${lineNumber + 1}` : place(url);
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, selfMs: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
    byPlace.set(place(url), (byPlace.get(place(url)) ?? 0) + ms);
  }
  const share = (ms: number) => Math.round((1000 * ms) / totalMs) / 10;
  return {
    file,
    totalMs: Math.round(totalMs),
    functions: [...byFunction.values()]
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, limit)
      .map((f) => ({ ...f, selfMs: Math.round(f.selfMs), share: share(f.selfMs) })),
    places: [...byPlace]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([where, ms]) => ({ where, selfMs: Math.round(ms), share: share(ms) })),
  };
}

async function main(dir: string | undefined): Promise<number> {
  if (!dir) {
    process.stderr.write('usage: npm run bench:profile -- <dir of .cpuprofile files>\n');
    return 2;
  }
  const files = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  for (const name of files) {
    const top = topOfProfile(name, JSON.parse(await readFile(join(dir, name), 'utf8')) as CpuProfile);
    process.stdout.write(`\n${name}: ${top.totalMs} ms sampled\n  by place:\n`);
    for (const p of top.places) process.stdout.write(`    ${String(p.share).padStart(5)}%  ${p.where}\n`);
    process.stdout.write('  by function (self time):\n');
    for (const f of top.functions) process.stdout.write(`    ${String(f.share).padStart(5)}%  ${f.name}  ${f.where}\n`);
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main(process.argv[2]);
