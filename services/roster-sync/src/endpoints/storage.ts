/** Block lists (XEP-0191) and offline messages (XEP-0160). */
import { z } from 'zod';
import { pageOf, type Endpoints } from '@gatehouse/bus';
import type { EndpointContext } from './context.ts';
import { account } from './roster.ts';
import { bareJid, jid, parse } from './schemas.ts';

const schemas = {
  list: z.object({ jid: bareJid, cursor: z.string().max(64).optional() }),
  change: z.object({ jid: bareJid, items: z.array(jid).max(1_000) }),
  store: z.object({ jid: bareJid, stanza: z.string().min(1).max(1024 * 1024) }),
  fetch: z.object({ jid: bareJid, cursor: z.string().regex(/^\d{1,15}$/).optional() }),
  ack: z.object({ jid: bareJid, seq: z.number().int().positive() }),
};

export function storageEndpoints(ctx: EndpointContext): Endpoints {
  return {
    'block.list': async (payload) => {
      const request = parse(schemas.list, payload);
      const { state, sequence } = ctx.blocklists.get(account(ctx, request.jid));
      return pageOf(state.blocked, { version: sequence, cursor: request.cursor, budget: ctx.pageBytes });
    },
    'block.add': async (payload) => {
      const request = parse(schemas.change, payload);
      const { facts } = await ctx.executeBlocklist({ type: 'BlockJids', owner: account(ctx, request.jid), jids: request.items });
      return { added: facts.flatMap((fact) => fact.data.jids) };
    },
    'block.remove': async (payload) => {
      const request = parse(schemas.change, payload);
      const { facts } = await ctx.executeBlocklist({ type: 'UnblockJids', owner: account(ctx, request.jid), jids: request.items });
      return { removed: facts.flatMap((fact) => fact.data.jids) };
    },
    'offline.store': async (payload) => {
      const request = parse(schemas.store, payload);
      await ctx.offline.store(account(ctx, request.jid), request.stanza);
      return {};
    },
    'offline.fetch': async (payload) => {
      const request = parse(schemas.fetch, payload);
      const after = request.cursor === undefined ? 0 : Number(request.cursor);
      return ctx.offline.fetch(account(ctx, request.jid), { after, limit: ctx.offlineLimit });
    },
    'offline.ack': async (payload) => {
      const request = parse(schemas.ack, payload);
      await ctx.offline.remove(account(ctx, request.jid), request.seq);
      return {};
    },
  };
}
