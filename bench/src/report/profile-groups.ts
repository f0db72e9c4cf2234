/**
 * Self time of a V8 CPU profile by kind of work (TLS, SCRAM, XML, logging, NATS client,
 * events, our code, ...), for `npm run bench:profile -- <dir> --groups`. A sample goes to the
 * group of its nearest frame that says what the work is for: native and Node-internal
 * frames are passed over, so a socket write lands with whoever wrote (the NATS client, or
 * the transport writing to the XMPP client through TLS).
 */
import { selfTimes, type CpuProfile } from './profile.ts';

interface Frame {
  functionName: string;
  url: string;
}

export const GROUPS = [
  'TLS and client sockets',
  'SCRAM / PBKDF2 / hashing',
  'XML parse and serialise',
  'logging',
  'NATS client (nats.js, @gatehouse/bus)',
  'event encoding and validation (zod, @gatehouse/events)',
  'gateway: our code',
  'other libraries',
  'runtime (GC, event loop, unattributed native)',
] as const;
export type Group = (typeof GROUPS)[number];

/** The group a frame decides, or undefined when it is plumbing (native, Node internals) to look past. */
function groupOfFrame({ functionName, url }: Frame): Group | undefined {
  if (!url) {
    if (/pbkdf2|hmac|hash|digest/i.test(functionName)) return 'SCRAM / PBKDF2 / hashing';
    if (functionName === '(garbage collector)') return 'runtime (GC, event loop, unattributed native)';
    return undefined;
  }
  if (url.startsWith('node:')) {
    if (/^node:(_tls_wrap|_tls_common|tls|internal\/tls)/.test(url)) return 'TLS and client sockets';
    if (/^node:(internal\/crypto|crypto)/.test(url)) return 'SCRAM / PBKDF2 / hashing';
    return undefined;
  }
  if (/node_modules\/(@nats-io|nats)\//.test(url)) return 'NATS client (nats.js, @gatehouse/bus)';
  if (/node_modules\/zod\//.test(url)) return 'event encoding and validation (zod, @gatehouse/events)';
  if (/node_modules\/(saxes|ltx|@xmpp\/xml|xmlchars)\//.test(url)) return 'XML parse and serialise';
  if (/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped)\//.test(url)) return 'logging';
  if (/node_modules\/(ws)\//.test(url)) return 'TLS and client sockets';
  if (/node_modules\/(tsx|esbuild|get-tsconfig)\//.test(url)) return 'runtime (GC, event loop, unattributed native)';
  if (url.includes('node_modules/')) return 'other libraries';
  if (/\/libs\/xmpp\/src\/(xml\/|stream-parser|stream-reader|framing|stanza)/.test(url)) return 'XML parse and serialise';
  if (/\/libs\/xmpp\/src\/(scram|plain)/.test(url)) return 'SCRAM / PBKDF2 / hashing';
  if (/\/libs\/telemetry\//.test(url)) return 'logging';
  if (/\/libs\/bus\//.test(url)) return 'NATS client (nats.js, @gatehouse/bus)';
  if (/\/libs\/events\//.test(url)) return 'event encoding and validation (zod, @gatehouse/events)';
  if (/\/services\/gateway\/src\/(transports|tls)\//.test(url)) return 'TLS and client sockets';
  if (url.includes('cpu-profile-on-signal')) return 'runtime (GC, event loop, unattributed native)';
  return 'gateway: our code';
}

/** Self time (ms) per group, idle and the profiler's own frames left out. */
export function groupsOfProfile(profile: CpuProfile): Map<Group, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<Group, number>();
  for (const [id, ms] of selfTimes(profile)) {
    let group: Group | undefined;
    for (let up: number | undefined = id; up !== undefined && !group; up = parent.get(up)) group = groupOfFrame(byId.get(up)!.callFrame);
    group ??= 'runtime (GC, event loop, unattributed native)';
    totals.set(group, (totals.get(group) ?? 0) + ms);
  }
  return totals;
}
