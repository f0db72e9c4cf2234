/** Block lists (XEP-0191) and offline messages (XEP-0160). */
import { catalogEndpoints, pageOf } from '@gatehouse/bus';
import type { EndpointContext } from './context.ts';
import { account } from './roster.ts';
import { normalJid } from './schemas.ts';

/** Block list items may be any JID, normalised; `items.<i>` names the one that is not. */
const normalItems = (items: string[]) => items.map((item, i) => normalJid(item, `items.${i}`));

export function storageEndpoints(ctx: EndpointContext) {
  return catalogEndpoints('roster-sync', {
    'block.list': async (request) => {
      const { state, sequence } = await ctx.blocklists.read(account(ctx, request.jid));
      return pageOf(state.blocked, { version: sequence, cursor: request.cursor, budget: ctx.pageBytes });
    },
    'block.add': async (request) => {
      const jids = normalItems(request.items);
      const { events } = await ctx.executeBlocklist({ type: 'BlockJids', owner: account(ctx, request.jid), jids });
      return { added: events.flatMap(({ event }) => event.data.jids) };
    },
    'block.remove': async (request) => {
      const jids = normalItems(request.items);
      const { events } = await ctx.executeBlocklist({ type: 'UnblockJids', owner: account(ctx, request.jid), jids });
      return { removed: events.flatMap(({ event }) => event.data.jids) };
    },
    'offline.store': async (request) => {
      await ctx.offline.store(account(ctx, request.jid), request.stanza);
      return {};
    },
    'offline.fetch': async (request) => {
      const after = request.cursor === undefined ? 0 : Number(request.cursor);
      return ctx.offline.fetch(account(ctx, request.jid), { after, limit: ctx.offlineLimit });
    },
    'offline.ack': async (request) => {
      await ctx.offline.remove(account(ctx, request.jid), request.seq);
      return {};
    },
  });
}
