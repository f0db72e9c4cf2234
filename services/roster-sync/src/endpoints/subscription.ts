/**
 * Presence subscriptions (RFC 6121 §3) and presence peers (§4). The gateway asks the
 * sender's side first ("outbound": A.2), routes the stanza if told to, then asks the
 * recipient's side ("inbound": A.3) and delivers if told to. `presence` tells it what
 * the owner's contacts must now see: 'available' when the contact just gained a 'from'
 * subscription (or re-asked for one), 'unavailable' when it lost it (§3.1.5, §3.2, §3.3).
 */
import { catalogEndpoints } from '@gatehouse/bus';
import { ForbiddenError, RosterFetchError } from '../errors.ts';
import { subscriptionStateOf } from '../roster/decide.ts';
import type { RosterState } from '../roster/roster.ts';
import { hasFrom, transition, type Direction, type SubscriptionPresence } from '../roster/subscription-states.ts';
import { loadPeerLookup, peersPage, presencePeers } from '../presence-peers.ts';
import type { EndpointContext } from './context.ts';
import { account, refuseExternal, syncExternal } from './roster.ts';
import { normalBareJid } from './schemas.ts';

export type PresenceEffect = 'available' | 'unavailable' | undefined;

export function subscriptionEndpoints(ctx: EndpointContext) {
  const change = async (direction: Direction, owner: string, peer: string, presence: SubscriptionPresence, request?: string) => {
    normalBareJid(owner, 'jid');
    const contact = normalBareJid(peer, 'contact');
    refuseExternal(ctx);
    const command =
      direction === 'outbound'
        ? ({ type: 'SendSubscriptionPresence', owner: account(ctx, owner), contact, presence } as const)
        : ({ type: 'ReceiveSubscriptionPresence', owner: account(ctx, owner), contact, presence, ...(request === undefined ? {} : { request }) } as const);
    const { before, state: after } = await ctx.executeRoster(command);
    const outcome = transition(direction, presence, subscriptionStateOf(before.contacts.get(contact)));
    return { pass: outcome.pass, autoReply: outcome.autoReply, presence: presenceEffect(before, after, contact, outcome.autoReply !== undefined) };
  };
  return catalogEndpoints('roster-sync', {
    'subscription.outbound': async (request) => {
      const { pass, presence } = await change('outbound', request.jid, request.contact, request.presence);
      return { route: pass, presence };
    },
    'subscription.inbound': async (request) => {
      const { pass, autoReply, presence } = await change('inbound', request.jid, request.contact, request.presence, request.request);
      return { deliver: pass, autoReply, presence };
    },
    'presence.peers': async (request) => {
      const owner = account(ctx, request.jid);
      if (request.cursor === undefined && ctx.external && !(await ctx.rosters.read(owner)).state.synced) {
        await syncExternal(ctx, owner).catch((error: unknown) => {
          if (!(error instanceof RosterFetchError)) throw error;
          ctx.logger.warn({ err: error, owner }, 'external roster fetch failed; presence goes to the contacts known');
        });
      }
      const { state, sequence } = await ctx.rosters.read(owner);
      const lookup = await loadPeerLookup(owner, ctx.domain, state, {
        roster: async (jid) => (await ctx.rosters.read(jid)).state,
        blocked: async (jid) => (await ctx.blocklists.read(jid)).state.blocked,
      });
      // Paged: pending requests (up to 16 KiB each) and contacts of a roster stored over the
      // limits can outgrow one NATS message. The owner's roster sequence versions the pages.
      return peersPage(presencePeers(owner, ctx.domain, lookup), { version: sequence, cursor: request.cursor, budget: ctx.pageBytes });
    },
    'activity.last': async (request) => {
      const owner = normalBareJid(request.jid, 'jid');
      const requester = normalBareJid(request.requester, 'requester');
      // XEP-0012 §4: only who may see the account's presence may learn when it was last seen.
      const contact = (await ctx.rosters.read(account(ctx, owner))).state.contacts.get(requester);
      if (requester !== owner && !(contact?.onRoster && hasFrom(contact.subscription))) {
        throw new ForbiddenError(`${requester} is not subscribed to the presence of ${owner}`);
      }
      const last = await ctx.lastLogout(owner);
      return { lastLogout: last?.at, status: last?.status };
    },
  });
}

function presenceEffect(before: RosterState, after: RosterState, contact: string, autoReplied: boolean): PresenceEffect {
  const was = hasFrom(before.contacts.get(contact)?.subscription ?? 'none');
  const is = hasFrom(after.contacts.get(contact)?.subscription ?? 'none');
  if (is && (!was || autoReplied)) return 'available';
  if (was && !is) return 'unavailable';
  return undefined;
}
