/**
 * XEP-0388 SASL2 on one stream, with the inline features it carries: XEP-0386 Bind 2 and
 * XEP-0484 FAST. Rules are cited by XEP and section, as numbered in XEP-0388 1.0.4,
 * XEP-0386 1.1.0 and XEP-0484 0.2.0 (https://xmpp.org/extensions/).
 *
 * Inline requests are read from `<authenticate>` but acted on only after success
 * (XEP-0388 §2.6.2): a failed attempt binds nothing and issues no token.
 */
import xml, { escapeXML, escapeXMLText, type Element } from '@xmpp/xml';
import { NS_BIND2, NS_FAST, NS_SASL, NS_SASL2, NS_STANZAS, defaultErrorType, type SaslFailure, type StanzaErrorCondition } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import { SaslNegotiation, type SaslStep } from '../auth/sasl-negotiation.ts';
import { authenticateFast, isFastMechanism, type FastStep } from '../auth/fast-negotiation.ts';
import type { CredentialLookup } from '../auth/credentials.ts';
import type { FastMechanism, TokenClient, UserAgent } from '../auth/token-client.ts';
import { bind2Resource } from './bind2.ts';
import { grantNeedsRecording } from './grant-use.ts';
import { decodeSaslPayload } from './base64.ts';

export const CLIENT_ID_REQUIRED = 'Client identifier required but not supplied';
/**
 * XEP-0388 §2.1.1 says the id is a UUID (36 bytes); 256 bytes of UTF-8 leave room for
 * clients that send something else, and bound what each client record keeps. Longer ids
 * are refused; `<software>`, `<device>` and `<uri>` are display text, cut to 256 bytes.
 */
const CLIENT_ID_BYTES = 256;
const USER_AGENT_FIELD_BYTES = 256;

export interface Sasl2Host {
  readonly domain: string;
  readonly passwordMechanisms: readonly string[];
  readonly fastMechanisms: readonly FastMechanism[];
  readonly enforceClientIds: boolean;
  readonly credentials: CredentialLookup;
  readonly tokens: TokenClient;
  readonly log: Logger;
  channelBinding(): Buffer | undefined;
  send(xml: string): void;
  /** Marks the stream authenticated (no restart: XEP-0388 §2.6.1). */
  authenticated(outcome: { jid: string; mechanism: string; method: 'password' | 'fast'; clientId?: string; userAgent?: UserAgent }): void;
  failed(step: { condition: SaslFailure['condition']; username?: string; mechanism: string; reason?: string; text?: string }): Promise<void>;
  /** Takes one of the address's concurrent-attempt slots; false when none is free. */
  admit(): boolean;
  /** Waits out the login throttle's hold; called before any outcome is revealed. */
  settle(who: { jid?: string; username?: string }): Promise<void>;
  bindResource(resource: string): Promise<{ fullJid: string } | { condition: StanzaErrorCondition; text?: string }>;
  /** The stream's features after authentication, sent right after `<success>`. */
  featuresAfterAuthentication(): string;
}

interface Attempt {
  mechanism: string;
  clientId?: string;
  userAgent?: UserAgent;
  bind?: Element;
  requestToken?: string;
  fast?: { invalidate: boolean };
  negotiation?: SaslNegotiation;
}

export class Sasl2Exchange {
  private attempt: Attempt | undefined;

  constructor(private readonly host: Sasl2Host) {}

  /** True while a challenge waits for its `<response/>`: nothing else may arrive (XEP-0388 §2.4). */
  get awaitingResponse(): boolean {
    return this.attempt?.negotiation?.inProgress === true;
  }

  static advertisement(passwordMechanisms: readonly string[], fastMechanisms: readonly string[]): string {
    const mechanisms = passwordMechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('');
    const fast = fastMechanisms.length ? `<fast xmlns='${NS_FAST}'>${fastMechanisms.map((m) => `<mechanism>${m}</mechanism>`).join('')}</fast>` : '';
    // Bind 2 lists no inline features: carbons, CSI and SM are not offered yet (XEP-0386 §3.1).
    return `<authentication xmlns='${NS_SASL2}'>${mechanisms}<inline><bind xmlns='${NS_BIND2}'/>${fast}</inline></authentication>`;
  }

  async handle(element: Element): Promise<void> {
    if (element.name === 'authenticate') return this.authenticate(element);
    if (element.name === 'response' && this.attempt?.negotiation?.inProgress) {
      const data = decodeSaslPayload(element.text());
      if (data === undefined) return this.finish({ kind: 'failure', condition: 'incorrect-encoding' });
      return this.finish(await this.attempt.negotiation.respond(data));
    }
    if (element.name === 'abort') return this.finish({ kind: 'failure', condition: 'aborted' });
    return this.finish({ kind: 'failure', condition: 'malformed-request', text: `unexpected <${element.name}/>` });
  }

  private async authenticate(element: Element): Promise<void> {
    const mechanism = element.attrs.mechanism;
    const agentElement = element.getChild('user-agent');
    const clientId = agentElement?.attrs.id?.trim() || undefined;
    const attempt: Attempt = {
      mechanism: mechanism ?? '',
      clientId,
      userAgent: agentElement ? readUserAgent(agentElement) : undefined,
      bind: element.getChild('bind', NS_BIND2),
      requestToken: element.getChild('request-token', NS_FAST)?.attrs.mechanism,
    };
    const fastElement = element.getChild('fast', NS_FAST);
    if (fastElement) attempt.fast = { invalidate: ['1', 'true'].includes(fastElement.attrs.invalidate ?? '') };
    this.attempt = attempt;

    if (!mechanism) return this.finish({ kind: 'failure', condition: 'malformed-request', text: 'mechanism attribute missing' });
    if (clientId && Buffer.byteLength(clientId) > CLIENT_ID_BYTES) return this.finish({ kind: 'failure', condition: 'malformed-request', text: 'user-agent id too long' });
    if (this.host.enforceClientIds && !clientId) {
      return this.finish({ kind: 'failure', condition: 'malformed-request', text: CLIENT_ID_REQUIRED, reason: 'client-id-required' });
    }
    // RFC 6120 §6.5.12: a temporary condition, to be tried again later.
    if (!this.host.admit()) return this.finish({ kind: 'failure', condition: 'temporary-auth-failure', reason: 'too-many-concurrent-attempts' });
    const initialText = element.getChildText('initial-response');
    const initial = initialText === null || initialText === undefined ? null : decodeSaslPayload(initialText);
    if (initial === undefined) return this.finish({ kind: 'failure', condition: 'incorrect-encoding' });

    if (isFastMechanism(mechanism)) {
      if (!this.host.fastMechanisms.includes(mechanism)) return this.finish({ kind: 'failure', condition: 'invalid-mechanism' });
      // Tokens belong to a client (XEP-0484 §4.1): without its id there is nothing to look up.
      if (!clientId) return this.finish({ kind: 'failure', condition: 'malformed-request', text: 'FAST needs a user-agent id', reason: 'client-id-required' });
      attempt.fast ??= { invalidate: false };
      const count = fastElement?.attrs.count === undefined ? undefined : Number.parseInt(fastElement.attrs.count, 10);
      const step = await authenticateFast(this.host.domain, this.host.tokens, {
        mechanism,
        clientId,
        initialResponse: initial ?? Buffer.alloc(0),
        channelBinding: mechanism === 'HT-SHA-256-ENDP' ? this.host.channelBinding() : undefined,
        count: Number.isSafeInteger(count) ? count : undefined,
      });
      return this.finish(step);
    }
    attempt.fast = undefined; // <fast/> only means something with an HT mechanism
    attempt.negotiation = new SaslNegotiation(this.host.domain, this.host.credentials, this.host.passwordMechanisms, clientId);
    return this.finish(await attempt.negotiation.start(mechanism, initial));
  }

  private async finish(step: SaslStep | FastStep): Promise<void> {
    const attempt = this.attempt;
    const mechanism = attempt?.mechanism ?? '';
    if (step.kind === 'challenge') {
      this.host.send(`<challenge xmlns='${NS_SASL2}'>${step.data.toString('base64')}</challenge>`);
      return;
    }
    this.attempt = undefined;
    if (step.kind === 'success' || step.condition !== 'aborted') await this.host.settle(step.kind === 'success' ? { jid: step.jid } : { username: step.username });
    if (step.kind === 'failure') {
      await this.host.failed({ condition: step.condition, username: step.username, mechanism, reason: step.reason, text: step.text });
      const text = step.text ? `<text>${escapeXMLText(step.text)}</text>` : '';
      // XEP-0388 §2.6.2: one RFC 6120 condition, in the SASL namespace.
      this.host.send(`<failure xmlns='${NS_SASL2}'><${step.condition} xmlns='${NS_SASL}'/>${text}</failure>`);
      return;
    }
    if (!attempt) return;
    const method = attempt.fast ? 'fast' : 'password';
    this.host.authenticated({ jid: step.jid, mechanism, method, clientId: attempt.clientId, userAgent: attempt.userAgent });
    const parts: string[] = [];
    if (step.data?.length) parts.push(`<additional-data>${step.data.toString('base64')}</additional-data>`);
    let identifier = step.jid;
    if (attempt.bind) {
      const bound = await this.host.bindResource(bind2Resource(step.jid, attempt.bind.getChildText('tag') ?? undefined, attempt.clientId));
      if ('fullJid' in bound) {
        identifier = bound.fullJid;
        parts.push(`<bound xmlns='${NS_BIND2}'/>`);
      } else {
        // The stanza error a legacy bind would get, with its type (resource-constraint: wait).
        const text = bound.text === undefined ? [] : [xml('text', { xmlns: NS_STANZAS, 'xml:lang': 'en' }, bound.text)];
        parts.push(`<failed xmlns='${NS_BIND2}'>${xml('error', { type: defaultErrorType(bound.condition) }, xml(bound.condition, { xmlns: NS_STANZAS }), ...text).toString()}</failed>`);
      }
    }
    // Bookkeeping, so <success> does not wait for it, unless a token is issued: the grant
    // carries the user agent, which issuing a token first would leave out.
    const login = { clientId: attempt.clientId, fast: attempt.fast !== undefined, grantUsedAt: 'grantUsedAt' in step ? step.grantUsedAt : undefined };
    const granted = attempt.clientId && grantNeedsRecording(login, Date.now())
      ? this.host.tokens
          .recordGrant({ jid: step.jid, clientId: attempt.clientId, authenticatedBy: method, userAgent: attempt.userAgent })
          .catch((error: unknown) => this.host.log.warn({ err: error }, 'could not record the grant'))
      : Promise.resolve();
    const token = await this.fastToken(step.jid, attempt, 'rotate' in step && step.rotate === true, granted);
    if (token) parts.push(`<token xmlns='${NS_FAST}' token='${escapeXML(token.token)}' expiry='${escapeXML(token.expiry)}'/>`);
    parts.push(`<authorization-identifier>${escapeXMLText(identifier)}</authorization-identifier>`);
    this.host.send(`<success xmlns='${NS_SASL2}'>${parts.join('')}</success>${this.host.featuresAfterAuthentication()}`);
  }

  /** XEP-0484 §3.5, §3.6: a token when asked for, or when the one used is due for rotation; none after invalidate. */
  private async fastToken(jid: string, attempt: Attempt, rotate: boolean, granted: Promise<unknown>): Promise<{ token: string; expiry: string } | undefined> {
    const { clientId } = attempt;
    if (!clientId) {
      if (attempt.requestToken) this.host.log.info('token requested without a user-agent id: none issued');
      return undefined;
    }
    try {
      if (attempt.fast?.invalidate) await this.host.tokens.invalidateFast({ jid, clientId });
      let mechanism: FastMechanism | undefined;
      if (attempt.requestToken) {
        if (!isFastMechanism(attempt.requestToken) || !this.host.fastMechanisms.includes(attempt.requestToken)) {
          this.host.log.info({ mechanism: attempt.requestToken }, 'token requested for a mechanism not offered: none issued');
          return undefined;
        }
        mechanism = attempt.requestToken;
      } else if (rotate && !attempt.fast?.invalidate && isFastMechanism(attempt.mechanism)) {
        mechanism = attempt.mechanism;
      }
      if (!mechanism) return undefined;
      await granted;
      return await this.host.tokens.issueFast({ jid, clientId, mechanism, authenticatedBy: attempt.fast ? 'fast' : 'password' });
    } catch (error) {
      // The login itself succeeded; the client simply gets no token this time.
      this.host.log.warn({ err: error }, 'no FAST token issued: the token service failed');
      return undefined;
    }
  }
}

function readUserAgent(element: Element): UserAgent {
  const pick = (name: string) => cutToBytes(element.getChildText(name)?.trim() ?? '', USER_AGENT_FIELD_BYTES) || undefined;
  return { software: pick('software'), device: pick('device'), uri: pick('uri') };
}

/** The longest prefix of whole characters that fits in `limit` bytes of UTF-8. */
function cutToBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > limit) break;
    end += char.length;
  }
  return text.slice(0, end);
}
