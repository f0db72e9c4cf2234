import { jsonBytes } from '@gatehouse/bus';
import { changedSinceDeletion } from '../account/new-account.ts';
import { BadRequestError, ResourceConstraintError } from '../errors.ts';
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

/**
 * A block list is one KV value every gateway mirrors, so it is bounded in bytes as well
 * as in JIDs. XEP-0191 names no error for a full list; `resource-constraint`, as for a
 * full roster, tells the client to unblock something first.
 */
export interface BlocklistLimits {
  /** BLOCKLIST_MAX_ITEMS */
  maxItems: number;
  /** BLOCKLIST_MAX_BYTES: the list as a JSON array. */
  maxBytes: number;
}

export const defaultBlocklistLimits: BlocklistLimits = { maxItems: 1_000, maxBytes: 256 * 1024 };

/** Blocking what is blocked, or unblocking what is not, decides nothing. */
export function decide(command: BlocklistCommand, state: BlocklistState, now: Date, limits: BlocklistLimits = defaultBlocklistLimits): BlocklistFact[] {
  const time = now.toISOString();
  const owner = command.owner;
  switch (command.type) {
    case 'BlockJids': {
      if (command.jids.length === 0) throw new BadRequestError('<block/> needs at least one <item/>');
      const jids = [...new Set(command.jids)].filter((jid) => !state.blocked.includes(jid));
      if (jids.length > 0) checkRoom(state.blocked, jids, limits);
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

function checkRoom(blocked: readonly string[], added: readonly string[], { maxItems, maxBytes }: BlocklistLimits): void {
  if (blocked.length + added.length > maxItems) throw new ResourceConstraintError(`a block list holds at most ${maxItems} JIDs`);
  if (jsonBytes([...blocked, ...added]) > maxBytes) throw new ResourceConstraintError(`a block list holds at most ${maxBytes} bytes`);
}
