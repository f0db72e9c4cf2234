import { InvalidSubjectTokenError } from './errors.ts';

/**
 * A subject-safe token for any string: base64url of its UTF-8 bytes, without padding.
 * JIDs contain `.`, NATS's token separator, and may contain `*`, `>` or spaces.
 */
export function subjectToken(value: string): string {
  if (value === '') throw new InvalidSubjectTokenError('cannot make a subject token of an empty string');
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function fromSubjectToken(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidSubjectTokenError(`not a subject token: ${token}`);
  const value = Buffer.from(token, 'base64url').toString('utf8');
  // Node decodes leniently; re-encoding rejects truncated tokens and invalid UTF-8.
  if (value === '' || subjectToken(value) !== token) throw new InvalidSubjectTokenError(`not a subject token: ${token}`);
  return value;
}

/** Every stream, subject, bucket and service name of one namespace (docs/architecture.md). */
export function namesFor(ns: string) {
  const NS = ns.toUpperCase();
  return {
    streams: {
      accounts: `${NS}_ACCOUNTS`,
      sessions: `${NS}_SESSIONS`,
    },
    subjects: {
      /** @param bareJid the normalised bare JID */
      account: (bareJid: string) => `${ns}.account.${subjectToken(bareJid)}`,
      accounts: `${ns}.account.>`,
      /** @param sessionId already subject-safe (base64url) */
      session: (sessionId: string) => `${ns}.session.${sessionId}`,
      sessions: `${ns}.session.>`,
      c2s: (replica: string, sessionId: string) => `${ns}.c2s.${replica}.${sessionId}`,
      c2sReplica: (replica: string) => `${ns}.c2s.${replica}.>`,
    },
    buckets: {
      sessions: `${ns}_sessions`,
      replicas: `${ns}_replicas`,
      secrets: `${ns}_secrets`,
    },
    services: {
      token: `${ns}.token`,
      projections: `${ns}.projections`,
    },
  } as const;
}

export type Names = ReturnType<typeof namesFor>;
