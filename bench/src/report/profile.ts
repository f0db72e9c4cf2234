/**
 * Reading V8 `.cpuprofile` files (what the bench's --cpu-prof writes): self time by
 * function and by package, and who calls a given function. Idle time and the
 * profiler's own frames are left out.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
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
  // Anchored on src/ so a checkout whose own folder is called bench or libs reads right.
  const repo = /\/((?:services|libs)\/[^/]+|cli|bench)\/src\//.exec(url)?.[1];
  if (repo) return repo;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\//, '');
}

/** Self time (ms) of each node that is work: not the idle loop, not the profiler itself. */
export function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  // Not work of the server: the event loop waiting (idle), and the profiler's own start
  // and stop calls (the preload's frames and everything under them).
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
  const profilerRoots = profile.nodes.filter((node) => node.callFrame.url.includes('cpu-profile-on-signal'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const stack = [...profilerRoots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    idle.add(node.id);
    for (const child of node.children ?? []) stack.push(byId.get(child)!);
  }
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return self;
}

export function topOfProfile(file: string, profile: CpuProfile, limit = 15): ProfileTop {
  const self = selfTimes(profile);
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

/** The call chains (nearest caller first, `depth` deep) under which `functionName` spent its self time. */
export function callersOf(profile: CpuProfile, functionName: string, depth = 8, limit = 5): { chain: string; selfMs: number }[] {
  const self = selfTimes(profile);
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const chains = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName !== functionName) continue;
    const frames: string[] = [];
    for (let up = parent.get(node.id); up && frames.length < depth; up = parent.get(up.id)) {
      frames.push(`${up.callFrame.functionName || '(anonymous)'} ${place(up.callFrame.url)}:${up.callFrame.lineNumber + 1}`);
    }
    const chain = frames.join(' < ');
    chains.set(chain, (chains.get(chain) ?? 0) + (self.get(node.id) ?? 0));
  }
  return [...chains]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([chain, ms]) => ({ chain, selfMs: Math.round(ms) }));
}
