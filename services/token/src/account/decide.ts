import type { ScramCredentials } from '@gatehouse/events';
import type { AccountFact, AccountState } from './account.ts';

/** Credentials arrive derived: salting is random, and `decide` stays pure. */
export interface CreateAccount {
  type: 'CreateAccount';
  jid: string;
  credentials: ScramCredentials;
}

export interface ChangePassword {
  type: 'ChangePassword';
  jid: string;
  credentials: ScramCredentials;
}

export interface DeleteAccount {
  type: 'DeleteAccount';
  jid: string;
}

export type AccountCommand = CreateAccount | ChangePassword | DeleteAccount;

export class AccountExistsError extends Error {
  readonly code = 'account-exists';
  constructor(readonly jid: string) {
    super(`account ${jid} already exists`);
    this.name = 'AccountExistsError';
  }
}

export class AccountNotFoundError extends Error {
  readonly code = 'account-not-found';
  constructor(readonly jid: string) {
    super(`account ${jid} does not exist`);
    this.name = 'AccountNotFoundError';
  }
}

export function decide(command: AccountCommand, state: AccountState, now: Date): AccountFact[] {
  const time = now.toISOString();
  switch (command.type) {
    case 'CreateAccount':
      // A deleted JID may be registered again: its history stays, the new account starts fresh.
      if (state.status === 'active') throw new AccountExistsError(command.jid);
      return [{ type: 'gatehouse.account.created.v1', time, data: { jid: command.jid, credentials: command.credentials } }];
    case 'ChangePassword':
      if (state.status !== 'active') throw new AccountNotFoundError(command.jid);
      return [
        { type: 'gatehouse.account.password-changed.v1', time, data: { jid: command.jid, credentials: command.credentials } },
      ];
    case 'DeleteAccount':
      // Deleting twice is refused rather than ignored: the operator asked about a user who is not there.
      if (state.status !== 'active') throw new AccountNotFoundError(command.jid);
      return [{ type: 'gatehouse.account.deleted.v1', time, data: { jid: command.jid } }];
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled account command ${JSON.stringify(unexpected)}`);
    }
  }
}
