import { createHash } from 'node:crypto';
import type { ClientFact } from '../client/client.ts';

/**
 * The id of a fact the registry derives from a stored event: the same for every attempt
 * at handling that event, so a redelivery after a crash between append and ack is stored
 * once (Nats-Msg-Id). Subject and type are part of it: one source event may tell several
 * clients (a password change), or one client two things (its first login and the
 * account's last password change). UUID-shaped, like the ids of other events.
 */
export function derivedEventId(sourceEventId: string, fact: ClientFact): string {
  const hex = createHash('sha256').update(`${sourceEventId}\n${fact.data.jid}\n${fact.data.clientId}\n${fact.type}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
