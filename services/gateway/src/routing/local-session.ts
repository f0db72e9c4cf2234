import type { StreamErrorCondition } from '@gatehouse/xmpp';

/** What routing needs from a session bound on this replica. */
export interface LocalSession {
  readonly id: string;
  readonly fullJid: string | undefined;
  /** Writes an already-serialised stanza to the client. */
  deliver(xml: string): void;
  /**
   * Ends the stream with a stream error (conflict, revoked credentials, shutdown…);
   * `reason` is what `session.ended` records, the condition when absent.
   */
  terminate(condition: StreamErrorCondition, text?: string, reason?: string): Promise<void>;
}
