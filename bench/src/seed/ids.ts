/**
 * Deterministic ids for seeded events and aggregates: the same index always gives the
 * same id, so an event published again after a lost ack carries the same `Nats-Msg-Id`
 * and JetStream stores it once (within the stream's 2-minute duplicate window).
 */
import { createHash } from 'node:crypto';

const digest = (label: string) => createHash('sha256').update(`gatehouse-seed:${label}`).digest();

/** A UUID-shaped id (version nibble 8, "custom", RFC 9562 §5.8) from `label`. */
export function seededUuid(label: string): string {
  const bytes = digest(label);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** 128 bits as 22 base64url characters: the shape of session, grant and token ids. */
export function seededRandomId(label: string): string {
  return digest(label).subarray(0, 16).toString('base64url');
}

export const eventId = (kind: string, index: number, part = 0) => seededUuid(`event:${kind}:${index}:${part}`);
/** XEP-0388 recommends a UUID for the `<user-agent id>`. */
export const clientIdOf = (client: number) => seededUuid(`client:${client}`);
export const sessionIdOf = (client: number) => seededRandomId(`session:${client}`);
export const grantIdOf = (client: number) => seededRandomId(`grant:${client}`);
