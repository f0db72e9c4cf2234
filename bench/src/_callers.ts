import { readFileSync } from 'node:fs';
const [file, fn, depthRaw] = process.argv.slice(2);
const p = JSON.parse(readFileSync(file!, 'utf8'));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(p.nodes.map((n: any) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id: number, i: number) => self.set(id, (self.get(id) ?? 0) + p.timeDeltas[i] / 1000));
const agg = new Map<string, number>();
const depth = Number(depthRaw ?? 4);
for (const n of p.nodes) {
  if (n.callFrame.functionName !== fn) continue;
  const ms = self.get(n.id) ?? 0;
  const chain: string[] = [];
  let cur = parent.get(n.id);
  while (cur !== undefined && chain.length < depth) { const c: any = byId.get(cur); chain.push(`${c.callFrame.functionName || '(anon)'}@${(c.callFrame.url.split('/').slice(-2).join('/'))}:${c.callFrame.lineNumber + 1}`); cur = parent.get(cur); }
  const key = chain.join(' < ');
  agg.set(key, (agg.get(key) ?? 0) + ms);
}
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v.toFixed(0).padStart(6), k);
