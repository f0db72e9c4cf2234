/**
 * RFC 6120 §6 SASL negotiation for one stream: SCRAM-SHA-1/-256 (RFC 5802, RFC 7677)
 * and PLAIN (RFC 4616). Independent of the wire so the same steps can serve SASL2
 * (XEP-0388) later.
 */
import { ScramServerExchange, SaslFailure, parsePlain, verifyPlain, tryParseJid, type ScramCredential, type ScramMechanism } from '@gatehouse/xmpp';
import type { CredentialLookup } from './credentials.ts';

export type SaslStep =
  | { kind: 'challenge'; data: Buffer }
  /** `grantUsedAt`: when the client's live grant was last used (the credential lookup's answer). */
  | { kind: 'success'; jid: string; data?: Buffer; grantUsedAt?: string }
  | { kind: 'failure'; condition: SaslFailure['condition']; username?: string; text?: string; reason?: string };

type Pending =
  | { mechanism: ScramMechanism; exchange: ScramServerExchange; jid: string; username: string; exists: boolean; credential: ScramCredential; grantUsedAt?: string }
  | { mechanism: 'PLAIN' };

export class SaslNegotiation {
  private pending: Pending | undefined;
  mechanism: string | undefined;

  constructor(
    private readonly domain: string,
    private readonly credentials: CredentialLookup,
    private readonly offered: readonly string[],
    /** The SASL2 user-agent id (XEP-0388 §2.2), when the client sent one. */
    private readonly clientId?: string,
  ) {}

  get inProgress(): boolean {
    return this.pending !== undefined;
  }

  async start(mechanism: string, initialResponse: Buffer | null): Promise<SaslStep> {
    this.mechanism = mechanism;
    if (!this.offered.includes(mechanism)) return { kind: 'failure', condition: 'invalid-mechanism' };
    try {
      if (mechanism === 'PLAIN') {
        // RFC 4616 §2 / RFC 6120 §6.4.2: no initial response → an empty challenge asks for it.
        if (initialResponse === null) {
          this.pending = { mechanism: 'PLAIN' };
          return { kind: 'challenge', data: Buffer.alloc(0) };
        }
        return await this.plain(initialResponse);
      }
      return await this.scramFirst(mechanism as ScramMechanism, initialResponse ?? Buffer.alloc(0));
    } catch (error) {
      return this.fail(error);
    }
  }

  async respond(data: Buffer): Promise<SaslStep> {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return { kind: 'failure', condition: 'malformed-request', text: 'no exchange in progress' };
    if (pending.mechanism === 'PLAIN') {
      try {
        return await this.plain(data);
      } catch (error) {
        return this.fail(error);
      }
    }
    try {
      const serverFinal = pending.exchange.clientFinal(data, pending.credential);
      if (!pending.exists) return { kind: 'failure', condition: 'not-authorized', username: pending.username, reason: 'unknown-account' };
      return { kind: 'success', jid: pending.jid, data: serverFinal, ...grantUse(pending.grantUsedAt) };
    } catch (error) {
      const step = this.fail(error, pending.username);
      if (step.kind === 'failure' && step.condition === 'not-authorized') step.reason = pending.exists ? 'wrong-password' : 'unknown-account';
      return step;
    }
  }

  abort(): SaslStep {
    this.pending = undefined;
    return { kind: 'failure', condition: 'aborted' };
  }

  private async scramFirst(mechanism: ScramMechanism, clientFirst: Buffer): Promise<SaslStep> {
    const exchange = new ScramServerExchange(mechanism, { domain: this.domain });
    const { username } = exchange.clientFirst(clientFirst);
    const jid = this.accountJid(username);
    if (!jid) return { kind: 'failure', condition: 'not-authorized', username };
    const { exists, credential, grantUsedAt } = await this.credentials.lookup(jid, mechanism, this.clientId);
    this.pending = { mechanism, exchange, jid, username, exists, credential, ...grantUse(grantUsedAt) };
    return { kind: 'challenge', data: exchange.serverFirst(credential) };
  }

  private async plain(message: Buffer): Promise<SaslStep> {
    const { username, password, authzid } = parsePlain(message);
    const jid = this.accountJid(username);
    if (!jid) return { kind: 'failure', condition: 'not-authorized', username };
    if (authzid && authzid !== jid) return { kind: 'failure', condition: 'invalid-authzid', username };
    const { exists, credential, grantUsedAt } = await this.credentials.lookup(jid, 'SCRAM-SHA-256', this.clientId);
    // Verify even for an unknown account so both answers cost the same.
    const valid = await verifyPlain(password, credential, 'SCRAM-SHA-256');
    if (!exists || !valid) return { kind: 'failure', condition: 'not-authorized', username, reason: exists ? 'wrong-password' : 'unknown-account' };
    return { kind: 'success', jid, ...grantUse(grantUsedAt) };
  }

  private accountJid(username: string): string | undefined {
    const parsed = tryParseJid(`${username}@${this.domain}`);
    return parsed && parsed.local && !parsed.resource ? `${parsed.local}@${parsed.domain}` : undefined;
  }

  private fail(error: unknown, username?: string): SaslStep & { kind: 'failure' } {
    if (error instanceof SaslFailure) {
      // A wrong password and an unknown account must read the same, so no detail there.
      const text = error.condition === 'not-authorized' || error.message === error.condition ? undefined : error.message;
      return { kind: 'failure', condition: error.condition, username, text };
    }
    if (isUnavailable(error)) return { kind: 'failure', condition: 'temporary-auth-failure', username, reason: 'token-service-unavailable' };
    throw error;
  }
}

function isUnavailable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === 'unavailable';
}

function grantUse(grantUsedAt: string | undefined): { grantUsedAt?: string } {
  return grantUsedAt === undefined ? {} : { grantUsedAt };
}
