/**
 * Where a stanza from a bound session goes: RFC 6120 §8.1.1 / §10 and the RFC 6121
 * §8.5 delivery rules, for recipients on any replica. On the way, the IM features
 * (../im) get their say: XEP-0191 blocking, subscription presence (RFC 6121 §3),
 * directed presence (§4.6), the IQs the server answers for an account (rosters, block
 * lists, last activity) and offline storage (XEP-0160) when no resource can take a message.
 */
import type { Element } from '@xmpp/xml';
import { stanzaError, tryParseJid, type StanzaErrorCondition } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { Router, SendOutcome } from '../routing/router.ts';
import type { SessionDirectory } from '../routing/session-directory.ts';
import type { Route } from '../routing/route-table.ts';
import { answerServerIq, iqShapeError, type IqTarget } from './server-iq.ts';
import { answerClientManagement, isClientManagementIq, refuseForeignClientManagement, type ClientManagementContext } from './client-management.ts';
import type { Im } from '../im/im.ts';
import { imSender, recordDirected, stoppedByBlocking } from '../im/outbound-checks.ts';
import { SUBSCRIPTION_TYPES } from '../im/subscriptions.ts';

export interface AccountDirectory {
  exists(bareJid: string): Promise<boolean>;
}

export interface OutboundContext {
  domain: string;
  router: Router;
  directory: SessionDirectory;
  accounts: AccountDirectory;
  logger: Logger;
  im: Im;
  /** Client management: the listing (projections) and revocation (client-registry). */
  clients: Pick<ClientManagementContext, 'list' | 'revoke'>;
}

export interface Sender {
  fullJid: string;
  bareJid: string;
  /** The client id it authenticated with (SASL2 user-agent), if any. */
  clientId?: string;
  /** Writes a stanza back to the sender's own stream. */
  reply(stanza: Element): void;
}

export async function routeOutbound(stanza: Element, sender: Sender, ctx: OutboundContext): Promise<void> {
  stanza.attrs.from = sender.fullJid; // §8.1.2.1: the server stamps the full JID
  if (stanza.name === 'iq') {
    const invalid = iqShapeError(stanza);
    if (invalid) return sender.reply(invalid);
  }
  const to = stanza.attrs.to;
  if (!to) return routeToOwnAccount(stanza, sender, ctx);
  const target = tryParseJid(to);
  if (!target) return refuse(stanza, sender, 'jid-malformed');
  // Hand on the normalised address so every replica keys routes the same way.
  if (target.domain !== ctx.domain) return refuse(stanza, sender, 'remote-server-not-found');
  if (!target.local) return routeToServer(stanza, sender);
  const bareJid = `${target.local}@${target.domain}`;
  const recipient = target.resource ? `${bareJid}/${target.resource}` : bareJid;
  if (bareJid !== sender.bareJid) {
    if (stoppedByBlocking(stanza, sender, recipient, bareJid, ctx.im.blocklists)) return;
    if (stanza.name === 'presence' && SUBSCRIPTION_TYPES.has(stanza.attrs.type)) return ctx.im.subscriptions.send(stanza, sender.bareJid, bareJid, sender.reply);
    if (stanza.name === 'presence') recordDirected(stanza, imSender(sender, ctx.directory.table), recipient, ctx.directory.table, ctx.im.directed);
  }
  if (target.resource) return routeToFullJid(stanza, sender, recipient, bareJid, ctx);
  return routeToBareJid(stanza, sender, bareJid, ctx);
}

function routeToOwnAccount(stanza: Element, sender: Sender, ctx: OutboundContext): Promise<void> | void {
  // §8.1.1.1: no "to" means the account's bare JID; presence broadcast is handled by the session.
  if (stanza.name === 'iq') return answerForAccount(stanza, sender, sender.bareJid, ctx);
  if (stanza.name === 'message') return routeToBareJid(stanza, sender, sender.bareJid, ctx);
}

function routeToServer(stanza: Element, sender: Sender): void {
  if (stanza.name === 'iq') answer(stanza, sender, { kind: 'server' });
  // A message or presence for the domain itself has no handler here: silently ignored (§10.3).
}

async function routeToFullJid(stanza: Element, sender: Sender, fullJid: string, bareJid: string, ctx: OutboundContext): Promise<void> {
  const route = ctx.directory.table.get(fullJid);
  const outcome = route ? await sendOrDeliver(route, stanza, ctx) : 'gone';
  if (outcome === 'taken') return;
  if (outcome === 'outage') return refuse(stanza, sender, 'remote-server-timeout');
  // §8.5.3.2: no resource matches.
  const type = stanza.attrs.type;
  if (stanza.name === 'iq') return refuseIq(stanza, sender, 'service-unavailable');
  if (stanza.name === 'message') {
    if (type === 'chat') return routeToBareJid(stanza, sender, bareJid, ctx);
    if (type === 'error' || type === 'headline') return;
    return refuse(stanza, sender, 'service-unavailable');
  }
  // Presence to a resource that is not there is silently ignored (§8.5.3.2.2).
}

async function routeToBareJid(stanza: Element, sender: Sender, bareJid: string, ctx: OutboundContext): Promise<void> {
  const type = stanza.attrs.type;
  const isOwn = bareJid === sender.bareJid;
  const known = isOwn || ctx.directory.table.resourcesOf(bareJid).length > 0 || (await accountExists(bareJid, ctx));
  if (stanza.name === 'iq') {
    // §8.5.2.1.3: the server answers an IQ to a bare JID on the account's behalf.
    if (!known) return refuseIq(stanza, sender, 'service-unavailable');
    return answerForAccount(stanza, sender, bareJid, ctx);
  }
  if (stanza.name === 'presence') {
    // Directed presence (RFC 6121 §4.6).
    if (type === undefined || type === 'unavailable') await deliverAll(ctx.directory.table.deliverable(bareJid), stanza, ctx);
    return;
  }
  if (type === 'error') return;
  if (!known) return refuse(stanza, sender, 'service-unavailable'); // §8.5.1
  if (type === 'groupchat') return refuse(stanza, sender, 'service-unavailable'); // §8.5.2.1.1
  const routes = type === 'headline' ? ctx.directory.table.deliverable(bareJid) : ctx.directory.table.highestPriority(bareJid);
  const outcomes = await sendAll(routes, stanza, ctx);
  if (outcomes.includes('taken') || type === 'headline') return;
  // The resources are there, NATS is not: offline storage would need it too.
  if (outcomes.includes('outage')) return refuse(stanza, sender, 'remote-server-timeout');
  // §8.5.2.2.1: no resource can take it: stored offline, or refused when it cannot be.
  if ((await ctx.im.offline.store(stanza, bareJid)) === 'refused') refuse(stanza, sender, 'service-unavailable');
}

async function deliverAll(routes: Route[], stanza: Element, ctx: OutboundContext): Promise<void> {
  const serialised = stanza.toString();
  await Promise.all(routes.map((route) => ctx.router.deliver(route, serialised)));
}

/** RFC 6120 §10: each outcome, so an outage is answered (§8.3.3.16 remote-server-timeout) rather than lost. */
function sendAll(routes: Route[], stanza: Element, ctx: OutboundContext): Promise<SendOutcome[]> {
  return Promise.all(routes.map((route) => sendOrDeliver(route, stanza, ctx)));
}

/** What cannot be answered with an error (presence, errors, IQ results) is delivered or, past an outage, dropped and counted. */
async function sendOrDeliver(route: Route, stanza: Element, ctx: OutboundContext): Promise<SendOutcome> {
  if (mayBounce(stanza)) return ctx.router.send(route, stanza.toString());
  return (await ctx.router.deliver(route, stanza.toString())) ? 'taken' : 'gone';
}

async function accountExists(bareJid: string, ctx: OutboundContext): Promise<boolean> {
  try {
    return await ctx.accounts.exists(bareJid);
  } catch (error) {
    ctx.logger.warn({ err: error }, 'could not ask whether an account exists; treating it as unknown');
    return false;
  }
}

async function answerForAccount(iq: Element, sender: Sender, bareJid: string, ctx: OutboundContext): Promise<void> {
  if (isClientManagementIq(iq)) {
    // Only the account itself may list or revoke its clients.
    const reply = bareJid === sender.bareJid
      ? await answerClientManagement(iq, { accountJid: sender.bareJid, ownClientId: sender.clientId, ...ctx.clients })
      : refuseForeignClientManagement(iq);
    if (reply) sender.reply(reply);
    return;
  }
  if (await ctx.im.handleAccountIq(iq, imSender(sender, ctx.directory.table), bareJid)) return;
  answer(iq, sender, { kind: 'account', bareJid });
}

function answer(iq: Element, sender: Sender, target: IqTarget): void {
  const reply = answerServerIq(iq, target);
  if (reply) sender.reply(reply);
}

function refuseIq(iq: Element, sender: Sender, condition: StanzaErrorCondition): void {
  if (iq.attrs.type === 'get' || iq.attrs.type === 'set') sender.reply(stanzaError(iq, condition));
}

function refuse(stanza: Element, sender: Sender, condition: StanzaErrorCondition): void {
  if (mayBounce(stanza)) sender.reply(stanzaError(stanza, condition));
}

/** Never answer an error with an error (RFC 6120 §8.3.1), nor an IQ result or a presence. */
function mayBounce(stanza: Element): boolean {
  if (stanza.attrs.type === 'error' || stanza.name === 'presence') return false;
  return stanza.name !== 'iq' || stanza.attrs.type === 'get' || stanza.attrs.type === 'set';
}
