/**
 * What roster-sync does when an account is deleted, as Prosody does on `user-deleted`
 * (mod_roster, then the user's stores): every local contact it shared a subscription or
 * a pending request with sees it end, as if the account had removed that contact (RFC 6121
 * §2.5.2: `unsubscribe` and `unsubscribed` reach the contact's roster, which pushes the
 * change); then its roster, block list, offline messages and last activity go, so a new
 * account of the same name starts empty.
 *
 * Each step is idempotent and the contacts come first, so a deletion handled twice (a
 * redelivery after a crash) or retried halfway through finishes the same way.
 */
import { durableIntake, type DurableIntake, type NatsConnection } from '@gatehouse/bus';
import type { Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { ForgetBlocklist } from '../blocklist/decide.ts';
import type { EndpointContext } from '../endpoints/context.ts';
import { farewellTo } from '../roster/subscription-states.ts';
import { changedSinceDeletion } from './new-account.ts';

export const ACCOUNT_DELETION_CONSUMER = 'roster-sync-account-deletion';

export interface AccountDeletionDeps extends Pick<EndpointContext, 'domain' | 'external' | 'rosters' | 'executeRoster'> {
  executeBlocklist(command: ForgetBlocklist): Promise<unknown>;
  offline: { removeAll(jid: string): Promise<void> };
  activity: { forget(jid: string): Promise<void> };
}

export async function forgetAccount(jid: string, deletedAt: string, deps: AccountDeletionDeps): Promise<void> {
  // As stored, not as cached: the contacts to tell are the ones the roster holds now.
  const { state } = await deps.rosters.load(jid);
  // The web app owns external rosters, subscriptions included.
  if (!deps.external && !changedSinceDeletion(state, deletedAt)) {
    for (const contact of state.contacts.values()) {
      if (!contact.jid.endsWith(`@${deps.domain}`) || contact.jid.includes('/')) continue;
      const { unsubscribe, unsubscribed } = farewellTo(contact);
      if (unsubscribe) await deps.executeRoster({ type: 'ReceiveSubscriptionPresence', owner: contact.jid, contact: jid, presence: 'unsubscribe' });
      if (unsubscribed) await deps.executeRoster({ type: 'ReceiveSubscriptionPresence', owner: contact.jid, contact: jid, presence: 'unsubscribed' });
    }
  }
  await deps.executeRoster({ type: 'ForgetRoster', owner: jid, deletedAt });
  await deps.executeBlocklist({ type: 'ForgetBlocklist', owner: jid, deletedAt });
  await deps.offline.removeAll(jid);
  await deps.activity.forget(jid);
}

/**
 * Deletions from the accounts stream, through a durable consumer shared by the replicas. A
 * consumer made on a running deployment starts at new events: replaying old deletions
 * would purge the offline messages of accounts since created again under the same name.
 */
export function accountDeletionIntake(nc: NatsConnection, names: Names, logger: Logger, deps: AccountDeletionDeps): DurableIntake {
  return durableIntake({
    nc,
    stream: names.streams.accounts,
    name: ACCOUNT_DELETION_CONSUMER,
    logger,
    deliverFrom: 'new',
    handle: async (event) => {
      if (event.type === 'gatehouse.account.deleted.v1') await forgetAccount(event.data.jid, event.time, deps);
    },
  });
}
