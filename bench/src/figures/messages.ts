/**
 * Figure 4: chat messages between sessions on different replicas. Latency first, one
 * message in flight on one pair (what a user feels), then throughput: 16 sender →
 * receiver pairs with 32 messages in flight each, a closed loop where every delivery
 * lets its sender send the next. One-way latency is sender write → receiver read, both
 * in this process, so on one clock.
 */
import type { Connection } from '../client/connection.ts';
import { passwordLogin, type Session } from '../client/login.ts';
import { mapLimit, sleep } from '../concurrency.ts';
import { latencySummary, round } from '../stats.ts';
import { accounts, cpuPerOperation, endpointFor, measure, type FigureContext } from './context.ts';

export const PAIRS = 16;
export const IN_FLIGHT = 32;
const BODY = 'x'.repeat(100);
const DRAIN_MS = 5_000;

export interface MessageFigure {
  latency: ReturnType<typeof latencySummary>;
  messages: number;
  stanzasPerS: number;
  serverCpuMsPerStanza: number;
  byRoleMsPerStanza: Record<string, number>;
  clientCpuMsPerStanza: number;
  loadedLatency: ReturnType<typeof latencySummary>;
  lost: number;
}

export function messageAccounts() {
  return accounts('pair', PAIRS * 2);
}

/** Calls `onId` for each message id the receiver reads; partial stanzas wait for the next chunk. */
function receive(conn: Connection, onId: (id: string, at: number) => void): void {
  let pending = '';
  const ID = /<message\b[^>]*?\sid=['"]([^'"]+)['"]/g;
  conn.stream((chunk) => {
    const at = performance.now();
    pending += chunk;
    const end = pending.lastIndexOf('</message>');
    if (end < 0) return;
    const complete = pending.slice(0, end);
    pending = pending.slice(end + '</message>'.length);
    for (const match of complete.matchAll(ID)) onId(match[1]!, at);
  });
}

interface Pair {
  sender: Session;
  receiver: Session;
}

/** Pair i: sender on replica 0, receiver on replica 1 (Prosody has one node for both). */
async function openPairs(ctx: FigureContext, count: number): Promise<Pair[]> {
  const users = messageAccounts();
  return mapLimit(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const login = (index: number, replica: number) =>
      passwordLogin({ endpoint: endpointFor(ctx.server, replica), account: users[index]!, clientId: `bench-pair-${index}`, tag: 'pair' }, ctx.cache);
    return { sender: await login(2 * i, 0), receiver: await login(2 * i + 1, 1) };
  });
}

const message = (to: string, id: string) => `<message to='${to}' type='chat' id='${id}'><body>${BODY}</body></message>`;

async function pingPong(ctx: FigureContext, pair: Pair): Promise<number[]> {
  const samples: number[] = [];
  let resolveNext: (() => void) | undefined;
  const sentAt = new Map<string, number>();
  receive(pair.receiver.conn, (id, at) => {
    const sent = sentAt.get(id);
    if (sent === undefined) return;
    sentAt.delete(id);
    samples.push(at - sent);
    resolveNext?.();
  });
  const deadline = performance.now() + Math.max(500, ctx.durationMs / 2);
  for (let seq = 0; performance.now() < deadline; seq++) {
    const id = `l${seq}`;
    const delivered = new Promise<void>((resolve) => (resolveNext = resolve));
    sentAt.set(id, performance.now());
    pair.sender.conn.write(message(pair.receiver.jid, id));
    const outcome = await Promise.race([delivered.then(() => true), sleep(DRAIN_MS).then(() => false)]);
    if (!outcome) throw new Error(`${ctx.server.name}: message ${id} not delivered within ${DRAIN_MS} ms`);
  }
  return samples;
}

export async function messaging(ctx: FigureContext): Promise<MessageFigure> {
  const pairs = await openPairs(ctx, PAIRS);
  try {
    const latency = await pingPong(ctx, pairs[0]!);
    await sleep(200);
    const loaded: number[] = [];
    let sent = 0;
    const measured = await measure(ctx.server, 'messages', async () => {
      const deadline = performance.now() + ctx.durationMs;
      const drained = pairs.map((pair, p) => {
        const sentAt = new Map<string, number>();
        let seq = 0;
        const send = () => {
          const id = `t${p}x${seq++}`;
          sentAt.set(id, performance.now());
          sent++;
          pair.sender.conn.write(message(pair.receiver.jid, id));
        };
        return new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ctx.durationMs + DRAIN_MS);
          receive(pair.receiver.conn, (id, at) => {
            const started = sentAt.get(id);
            if (started === undefined) return;
            sentAt.delete(id);
            loaded.push(at - started);
            if (performance.now() < deadline) send();
            else if (sentAt.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
          for (let i = 0; i < IN_FLIGHT; i++) send();
        });
      });
      await Promise.all(drained);
    });
    const messages = loaded.length;
    const cpu = cpuPerOperation(measured.server, messages);
    return {
      latency: latencySummary(latency),
      messages,
      stanzasPerS: round((messages * 1000) / measured.wallMs, 1),
      serverCpuMsPerStanza: cpu.serverCpuMsPerOp,
      byRoleMsPerStanza: cpu.byRoleMsPerOp,
      clientCpuMsPerStanza: round(measured.clientCpuMs / messages, 4),
      loadedLatency: latencySummary(loaded),
      lost: sent - messages,
    };
  } finally {
    await Promise.all(pairs.flatMap((pair) => [pair.sender.conn.close(), pair.receiver.conn.close()]));
  }
}
