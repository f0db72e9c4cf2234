import { changedSinceDeletion } from '../account/new-account.ts';
import { BadRequestError } from '../errors.ts';
import type { BlocklistFact, BlocklistState } from './blocklist.ts';

/** XEP-0191 §3.3: block communication with these JIDs (normalised). */
export interface BlockJids {
  type: 'BlockJids';
  owner: string;
  jids: string[];
}

/** XEP-0191 §3.4: unblock these JIDs, or everyone when `jids` is empty. */
export interface UnblockJids {
  type: 'UnblockJids';
  owner: string;
  jids: string[];
}

/** The account was deleted: everyone is unblocked, so a new account of that name starts with an empty list. */
export interface ForgetBlocklist {
  type: 'ForgetBlocklist';
  owner: string;
  /** When the account was deleted (RFC 3339). */
  deletedAt: string;
}

export type BlocklistCommand = BlockJids | UnblockJids | ForgetBlocklist;

/** Blocking what is blocked, or unblocking what is not, decides nothing (conventions §6). */
export function decide(command: BlocklistCommand, state: BlocklistState, now: Date): BlocklistFact[] {
  const time = now.toISOString();
  const owner = command.owner;
  switch (command.type) {
    case 'BlockJids': {
      if (command.jids.length === 0) throw new BadRequestError('<block/> needs at least one <item/>');
      const jids = [...new Set(command.jids)].filter((jid) => !state.blocked.includes(jid));
      return jids.length === 0 ? [] : [{ type: 'gatehouse.blocklist.blocked.v1', time, data: { owner, jids } }];
    }
    case 'UnblockJids': {
      const all = command.jids.length === 0;
      const jids = all ? [...state.blocked] : [...new Set(command.jids)].filter((jid) => state.blocked.includes(jid));
      return jids.length === 0 ? [] : [{ type: 'gatehouse.blocklist.unblocked.v1', time, data: { owner, jids, all } }];
    }
    case 'ForgetBlocklist':
      if (state.blocked.length === 0 || changedSinceDeletion(state, command.deletedAt)) return [];
      return [{ type: 'gatehouse.blocklist.unblocked.v1', time, data: { owner, jids: [...state.blocked], all: true } }];
    default: {
      const unexpected: never = command;
      throw new Error(`unhandled blocklist command ${JSON.stringify(unexpected)}`);
    }
  }
}
