import type { AccountEvent, ScramCredentials } from '@gatehouse/events';
import type { Fact } from '@gatehouse/event-store';

export type AccountFact = Fact<AccountEvent>;

export type AccountState =
  | { status: 'absent' }
  | {
      status: 'active';
      jid: string;
      credentials: ScramCredentials;
      createdAt: string;
      /** Tokens issued before this instant are void (later issues); creation counts as a change. */
      passwordChangedAt: string;
    }
  | { status: 'deleted'; jid: string; deletedAt: string };

export function initialState(): AccountState {
  return { status: 'absent' };
}

export function evolve(state: AccountState, event: AccountFact): AccountState {
  switch (event.type) {
    case 'gatehouse.account.created.v1':
      return {
        status: 'active',
        jid: event.data.jid,
        credentials: event.data.credentials,
        createdAt: event.time,
        passwordChangedAt: event.time,
      };
    case 'gatehouse.account.password-changed.v1':
      // An event the decider would not have produced (no account) is history all the same.
      return state.status === 'active'
        ? { ...state, credentials: event.data.credentials, passwordChangedAt: event.time }
        : state;
    case 'gatehouse.account.deleted.v1':
      return { status: 'deleted', jid: event.data.jid, deletedAt: event.time };
    default: {
      const unexpected: never = event;
      throw new Error(`unhandled account event ${JSON.stringify(unexpected)}`);
    }
  }
}
