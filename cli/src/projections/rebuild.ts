import { randomBytes } from 'node:crypto';
import { BusUnavailableError, call, ServiceUnavailableError, type NatsConnection } from '@gatehouse/bus';
import { rebuildProgressSchema, type RebuildProgress } from '@gatehouse/events';

/** Generous: a rebuild replays the whole stream; the service itself gives up after 10 minutes. */
const REBUILD_TIMEOUT_MS = 11 * 60_000;

/**
 * Asks the projections service to rebuild `name`, printing a line per progress message
 * it publishes to our inbox while it works, and the total at the end.
 */
export async function rebuildWithProgress(nc: NatsConnection, ns: string, name: string, print: (line: string) => void): Promise<RebuildProgress> {
  // An inbox of our own, as NATS clients name them: only this process listens there.
  const inbox = `_INBOX.${randomBytes(12).toString('hex')}`;
  const subscription = nc.subscribe(inbox, {
    callback: (_error, message) => {
      // Progress is a courtesy: a message that is not one is left out, the rebuild goes on.
      const progress = rebuildProgressSchema.safeParse(message.json());
      if (progress.success) print(`rebuilding ${name}: ${progress.data.applied}/${progress.data.total} events`);
    },
  });
  try {
    const result = await call(nc, ns, 'projections.rebuild', { name, progress: inbox }, { timeoutMs: REBUILD_TIMEOUT_MS });
    // Progress published just before the reply may still be on its way.
    await nc.flush();
    return result;
  } finally {
    subscription.unsubscribe();
  }
}

export function describeRebuildFailure(error: unknown, { natsUrl, name }: { natsUrl: string; name: string }): string {
  if (error instanceof BusUnavailableError) return `cannot reach NATS at ${natsUrl}: start the stack with \`npm start\` or set NATS_URL`;
  if (error instanceof ServiceUnavailableError) return 'the projections service is not answering: is `npm start` running?';
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'unknown-projection') return `no projection named ${name} (try client-listing, client-activity or account-listing)`;
  return `cannot rebuild ${name}: ${message}`;
}
