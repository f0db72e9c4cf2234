import type { GatehouseEvent } from '@gatehouse/events';
import type { AccountFacts } from '../client/decide.ts';

/** Folds an account's own events (oldest first) into what a new client must be checked against. */
export function accountFactsFrom(events: readonly GatehouseEvent[]): AccountFacts {
  let facts: AccountFacts = {};
  for (const event of events) {
    switch (event.type) {
      case 'gatehouse.account.created.v1':
        facts = { createdAt: event.time };
        break;
      case 'gatehouse.account.password-changed.v1':
        facts = { ...facts, passwordChangedAt: event.time };
        break;
      case 'gatehouse.account.deleted.v1':
        facts = { ...facts, deletedAt: event.time };
        break;
      default:
        break;
    }
  }
  return facts;
}
