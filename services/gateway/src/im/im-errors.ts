/**
 * The roster-sync refusals as XMPP stanza errors: one table from the
 * service's codes to { type, condition, text }. Anything unknown, or the service not
 * answering, is the server's fault: internal-server-error, worth retrying (wait).
 */
import type { Element } from '@xmpp/xml';
import { ServiceError } from '@gatehouse/bus';
import { stanzaError, type StanzaErrorCondition, type StanzaErrorType } from '@gatehouse/xmpp';

const TABLE: Record<string, { condition: StanzaErrorCondition; type?: StanzaErrorType; text?: string }> = {
  'bad-request': { condition: 'bad-request' },
  'not-acceptable': { condition: 'not-acceptable' },
  'not-allowed': { condition: 'not-allowed' },
  'item-not-found': { condition: 'item-not-found' },
  'resource-constraint': { condition: 'resource-constraint' },
  forbidden: { condition: 'forbidden' },
  'roster-fetch-failed': { condition: 'internal-server-error', type: 'wait', text: 'the roster could not be fetched; try again later' },
  unavailable: { condition: 'internal-server-error', type: 'wait', text: 'the roster service is not answering; try again later' },
};

/** The error reply to `stanza` for a failed roster-sync request. */
export function imError(stanza: Element, error: unknown): Element {
  const code = error instanceof ServiceError ? error.code : '';
  const entry = TABLE[code] ?? { condition: 'internal-server-error', type: 'wait' };
  // The service's own message explains refusals; for our faults a fixed text says enough.
  const text = entry.text ?? (code in TABLE && error instanceof Error ? error.message : undefined);
  return stanzaError(stanza, entry.condition, { ...(entry.type ? { type: entry.type } : {}), ...(text ? { text } : {}) });
}
