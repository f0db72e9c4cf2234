import { defineProjection } from '../projection.ts';

const domainOf = (jid: string) => jid.slice(jid.indexOf('@') + 1);

/** The accounts that exist now, per domain: what `gatehouse user list` shows. Times are the events' own. */
export const accountListing = defineProjection({
  name: 'account-listing',
  handlers: {
    'gatehouse.account.created.v1': async (trx, { data, time }) => {
      // A JID may be registered again after deletion: the new account starts clean.
      const row = { domain: domainOf(data.jid), created_at: time, password_changed_at: null, deleted_at: null };
      await trx
        .insertInto('accounts')
        .values({ jid: data.jid, ...row })
        .onConflict((conflict) => conflict.column('jid').doUpdateSet(row))
        .execute();
    },
    'gatehouse.account.password-changed.v1': async (trx, { data, time }) => {
      await trx.updateTable('accounts').set({ password_changed_at: time }).where('jid', '=', data.jid).execute();
    },
    'gatehouse.account.deleted.v1': async (trx, { data, time }) => {
      await trx.updateTable('accounts').set({ deleted_at: time }).where('jid', '=', data.jid).execute();
    },
  },
  reset: async (trx) => {
    await trx.deleteFrom('accounts').execute();
  },
});
