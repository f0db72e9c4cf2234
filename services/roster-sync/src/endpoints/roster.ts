/**
 * Roster endpoints (RFC 6121 §2) and the external roster (mod_http_roster_admin). In
 * external mode the web app owns the roster: the client's own sets and removals are
 * refused, as with mod_block_subscriptions, and reads serve the last good fetch.
 */
import { catalogEndpoints, pageOf } from '@gatehouse/bus';
import type { RosterItem } from '@gatehouse/events';
import { BadRequestError, NotAllowedError, RosterFetchError } from '../errors.ts';
import { externalRosterProblem } from '../roster/bounds.ts';
import { rosterItems } from '../roster/roster.ts';
import { farewellTo, hasFrom } from '../roster/subscription-states.ts';
import type { EndpointContext } from './context.ts';
import { normalBareJid, normalJid } from './schemas.ts';

export interface ExternalChanges {
  set: RosterItem[];
  removed: string[];
}

export function rosterEndpoints(ctx: EndpointContext) {
  return catalogEndpoints('roster-sync', {
    'roster.get': async (request) => {
      const owner = account(ctx, request.jid);
      // Only the first page fetches: later ones continue the version the first one read.
      if (request.cursor === undefined && ctx.external && (request.refresh || !(await ctx.rosters.read(owner)).state.synced)) {
        try {
          await syncExternal(ctx, owner);
        } catch (error) {
          // Prosody would end the session; keeping the last good roster serves the user better.
          if (!(error instanceof RosterFetchError) || !(await ctx.rosters.read(owner)).state.synced) throw error;
          ctx.logger.warn({ err: error, owner }, 'external roster fetch failed; serving the last good roster');
        }
      }
      const { state } = await ctx.rosters.read(owner);
      const page = pageOf(rosterItems(state), {
        version: state.version,
        cursor: request.cursor,
        budget: ctx.pageBytes,
        onOversize: (item, bytes) => ctx.logger.warn({ owner, contact: item.jid, bytes }, 'roster item too large for any reply page; left out of the roster get'),
      });
      return { version: state.version, ...page };
    },
    'roster.set': async ({ jid: owner, item }) => {
      normalBareJid(owner, 'jid');
      const contact = normalJid(item.jid, 'item.jid');
      refuseExternal(ctx);
      const name = item.name === '' ? undefined : item.name;
      await ctx.executeRoster({ type: 'SetRosterItem', owner: account(ctx, owner), item: { jid: contact, ...(name === undefined ? {} : { name }), groups: item.groups } });
      return {};
    },
    'roster.remove': async (request) => {
      normalBareJid(request.jid, 'jid');
      const jid = normalJid(request.contact, 'contact');
      refuseExternal(ctx);
      const { before } = await ctx.executeRoster({ type: 'RemoveRosterItem', owner: account(ctx, request.jid), jid });
      const contact = before.contacts.get(jid)!;
      return { ...farewellTo(contact), presence: hasFrom(contact.subscription) ? 'unavailable' : undefined };
    },
    'external.refresh': async (request) => {
      const owner = account(ctx, request.jid);
      if (!ctx.external) throw new NotAllowedError('rosters are not external here: ROSTER_HTTP_URL is not set');
      return syncExternal(ctx, owner);
    },
  });
}

/** Fetches the owner's roster from the web app and stores the differences. */
export async function syncExternal(ctx: EndpointContext, owner: string): Promise<ExternalChanges> {
  const items = await ctx.external!.fetch(owner.slice(0, owner.indexOf('@')));
  const problem = externalRosterProblem(items, ctx.rosterLimits);
  if (problem !== undefined) throw new RosterFetchError(`the web app's roster for ${owner} is over the limits: ${problem}`);
  const { events } = await ctx.executeRoster({ type: 'ApplyExternalRoster', owner, items });
  // A large difference is stored as several synced events (roster/event-chunks.ts).
  const changes: ExternalChanges = { set: [], removed: [] };
  for (const { event } of events) {
    if (event.type !== 'gatehouse.roster.synced.v1') continue;
    changes.set.push(...event.data.set);
    changes.removed.push(...event.data.removed);
  }
  return changes;
}

export function refuseExternal(ctx: EndpointContext): void {
  if (ctx.external) throw new NotAllowedError('the roster is managed by an external service');
}

/** The request's account (its `jid`), normalised: only accounts of the served domain have rosters here. */
export function account(ctx: EndpointContext, jid: string): string {
  const bare = normalBareJid(jid, 'jid');
  if (!bare.endsWith(`@${ctx.domain}`)) throw new BadRequestError(`${bare} is not an account of ${ctx.domain}`);
  return bare;
}
