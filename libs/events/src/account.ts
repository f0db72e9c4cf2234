import { z } from 'zod';
import { defineAggregate, guardFor, type EventsOf } from './aggregate.ts';
import type { Event } from './envelope.ts';
import { bareJidSchema } from './fields.ts';

/** RFC 5802 §3 server-side credential: enough to verify a client proof, never the password. */
export const scramCredential = z.object({
  salt: z.base64().min(1),
  iterations: z
    .number()
    .int()
    .min(1)
    .describe('PBKDF2 iteration count; Gatehouse creates credentials with 4096 (RFC 7677 §4) by default'),
  storedKey: z.base64().min(1),
  serverKey: z.base64().min(1),
});
export type ScramCredential = z.output<typeof scramCredential>;

export const scramCredentials = z.object({
  'SCRAM-SHA-1': scramCredential,
  'SCRAM-SHA-256': scramCredential,
});
export type ScramCredentials = z.output<typeof scramCredentials>;

export const accountCreatedData = z
  .object({ jid: bareJidSchema, credentials: scramCredentials })
  .meta({ description: 'An account was registered, with SCRAM credentials derived from its first password.' });
export type AccountCreatedData = z.output<typeof accountCreatedData>;
export type AccountCreated = Event<'gatehouse.account.created.v1', AccountCreatedData>;

export const accountPasswordChangedData = z
  .object({ jid: bareJidSchema, credentials: scramCredentials })
  .meta({ description: "An account's password was changed; the new SCRAM credentials replace the old ones." });
export type AccountPasswordChangedData = z.output<typeof accountPasswordChangedData>;
export type AccountPasswordChanged = Event<'gatehouse.account.password-changed.v1', AccountPasswordChangedData>;

export const accountDeletedData = z
  .object({ jid: bareJidSchema })
  .meta({ description: 'An account was deleted; its sessions are closed and its JID may be registered again.' });
export type AccountDeletedData = z.output<typeof accountDeletedData>;
export type AccountDeleted = Event<'gatehouse.account.deleted.v1', AccountDeletedData>;

export const account = defineAggregate({
  name: 'account',
  stream: 'accounts',
  key: 'subjectToken() of the bare JID of the account',
  events: {
    'gatehouse.account.created.v1': accountCreatedData,
    'gatehouse.account.password-changed.v1': accountPasswordChangedData,
    'gatehouse.account.deleted.v1': accountDeletedData,
  },
});

export type AccountEvent = EventsOf<typeof account.events>;
export const isAccountEvent = guardFor(account);
