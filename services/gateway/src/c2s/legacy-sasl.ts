/**
 * RFC 6120 §6 SASL (`urn:ietf:params:xml:ns:xmpp-sasl`): the exchange on the wire, a
 * stream restart after success (§6.4.6). The mechanisms themselves are in
 * auth/sasl-negotiation.ts, shared with SASL2.
 */
import { escapeXMLText, type Element } from '@xmpp/xml';
import { NS_SASL, type SaslFailure } from '@gatehouse/xmpp';
import { SaslNegotiation, type SaslStep } from '../auth/sasl-negotiation.ts';
import type { CredentialLookup } from '../auth/credentials.ts';
import { decodeSaslPayload, encodeSaslPayload } from './base64.ts';
import { CLIENT_ID_REQUIRED } from './sasl2.ts';

export interface LegacySaslHost {
  readonly domain: string;
  readonly credentials: CredentialLookup;
  readonly mechanisms: readonly string[];
  /** Under ENFORCE_CLIENT_IDS legacy SASL, which carries no client id, is refused. */
  readonly enforceClientIds: boolean;
  send(xml: string): void;
  authenticated(outcome: { jid: string; mechanism: string; method: 'password' }): void;
  failed(step: { condition: SaslFailure['condition']; username?: string; mechanism: string; reason?: string }): Promise<void>;
  /** Takes one of the address's concurrent-attempt slots; false when none is free. */
  admit(): boolean;
  /** Waits out the login throttle's hold; called before any outcome is revealed. */
  settle(who: { jid?: string; username?: string }): Promise<void>;
}

export class LegacySasl {
  private negotiation: SaslNegotiation | undefined;
  private mechanism = '';

  constructor(private readonly host: LegacySaslHost) {}

  async handle(element: Element): Promise<void> {
    if (element.name === 'auth') {
      this.mechanism = element.attrs.mechanism ?? '';
      if (this.host.enforceClientIds) {
        return this.finish({ kind: 'failure', condition: 'malformed-request', text: CLIENT_ID_REQUIRED, reason: 'client-id-required' });
      }
      // RFC 6120 §6.5.12: a temporary condition, to be tried again later.
      if (!this.host.admit()) return this.finish({ kind: 'failure', condition: 'temporary-auth-failure', reason: 'too-many-concurrent-attempts' });
      this.negotiation = new SaslNegotiation(this.host.domain, this.host.credentials, this.host.mechanisms);
      const text = element.text().trim();
      const initial = text === '' ? null : decodeSaslPayload(text);
      if (initial === undefined) return this.finish({ kind: 'failure', condition: 'incorrect-encoding' });
      return this.finish(await this.negotiation.start(this.mechanism, initial));
    }
    if (element.name === 'response' && this.negotiation?.inProgress) {
      const data = decodeSaslPayload(element.text().trim() || '=');
      if (data === undefined) return this.finish({ kind: 'failure', condition: 'incorrect-encoding' });
      return this.finish(await this.negotiation.respond(data));
    }
    if (element.name === 'abort') return this.finish(this.negotiation?.abort() ?? { kind: 'failure', condition: 'aborted' });
    return this.finish({ kind: 'failure', condition: 'malformed-request', text: `unexpected <${element.name}/>` });
  }

  private async finish(step: SaslStep): Promise<void> {
    if (step.kind === 'challenge') {
      this.host.send(`<challenge xmlns='${NS_SASL}'>${encodeSaslPayload(step.data)}</challenge>`);
      return;
    }
    this.negotiation = undefined;
    if (step.kind === 'success' || step.condition !== 'aborted') await this.host.settle(step.kind === 'success' ? { jid: step.jid } : { username: step.username });
    if (step.kind === 'success') {
      this.host.authenticated({ jid: step.jid, mechanism: this.mechanism, method: 'password' });
      this.host.send(`<success xmlns='${NS_SASL}'>${step.data ? encodeSaslPayload(step.data) : ''}</success>`);
      return;
    }
    await this.host.failed({ condition: step.condition, username: step.username, mechanism: this.mechanism, reason: step.reason });
    const text = step.text ? `<text xml:lang='en'>${escapeXMLText(step.text)}</text>` : '';
    this.host.send(`<failure xmlns='${NS_SASL}'><${step.condition}/>${text}</failure>`);
  }
}
