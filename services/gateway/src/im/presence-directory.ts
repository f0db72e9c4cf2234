/**
 * The current presence of every available session in the cluster (RFC 6121 §4.3.2:
 * a probe is answered with "the full XML of the last presence stanza" of each available
 * resource). Each session writes its own into KV `<ns>_presence`; every replica mirrors
 * the bucket, so any replica answers probes and sends presence to new subscribers with
 * no request to the replica that holds the session.
 */
import type { KV } from '@nats-io/kv';
import type { Element } from '@xmpp/xml';
import { subjectToken } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { parseFrame } from '@gatehouse/xmpp';
import type { Route } from '../routing/route-table.ts';
import { KvMirror } from './kv-mirror.ts';
import { copyWith } from './xml-copy.ts';

interface StoredPresence {
  sessionId: string;
  stanza: string;
}

const decoder = new TextDecoder();

export class PresenceDirectory {
  private readonly mirror: KvMirror<{ sessionId: string; element: Element }>;

  constructor(
    private readonly kv: KV,
    replica: string,
    logger: Logger,
  ) {
    this.mirror = new KvMirror(kv, replica, (bytes) => {
      const stored = JSON.parse(decoder.decode(bytes)) as StoredPresence;
      const frame = parseFrame(stored.stanza, 1024 * 1024);
      if (frame.kind !== 'stanza') throw new Error('not a stanza');
      return { sessionId: stored.sessionId, element: frame.element };
    }, logger);
  }

  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): void {
    this.mirror.stop();
  }

  /** Records a session's presence; `to` is left out, each delivery sets its own. */
  async put(fullJid: string, sessionId: string, presence: Element): Promise<void> {
    const stored = copyWith(presence, { to: undefined });
    await this.kv.put(subjectToken(fullJid), JSON.stringify({ sessionId, stanza: stored.toString() } satisfies StoredPresence));
  }

  async remove(fullJid: string): Promise<void> {
    await this.kv.delete(subjectToken(fullJid));
  }

  /** The presence of the session behind `route`, addressed to `to`; undefined if it has none. */
  presenceOf(route: Route, to: string): string | undefined {
    const known = this.mirror.values.get(subjectToken(route.fullJid));
    if (!known || known.sessionId !== route.sessionId) return undefined;
    return copyWith(known.element, { to }).toString();
  }
}
