import type { AggregateDefinition } from '@gatehouse/event-store';
import { isAccountEvent, isFastTokenEvent, isGrantEvent, namesFor, type AccountEvent, type FastTokenEvent, type GrantEvent } from '@gatehouse/events';
import { evolve as evolveAccount, initialState as noAccount, type AccountState } from './account/account.ts';
import { decide as decideAccount, type AccountCommand } from './account/decide.ts';
import type { ClientKey } from './client-key.ts';
import { decide as decideFastToken, type FastTokenCommand } from './fast/decide.ts';
import { FastNotAuthorizedError } from './fast/errors.ts';
import { evolve as evolveFastToken, initialState as noFastToken, type FastTokenState } from './fast/fast-token.ts';
import { decide as decideGrant, type GrantCommand } from './grant/decide.ts';
import { evolve as evolveGrant, initialState as noGrant, type GrantState } from './grant/grant.ts';

/** CloudEvents `source` of everything this service writes. */
export const tokenSource = 'gatehouse/token';

export type AccountDefinition = AggregateDefinition<string, AccountCommand, AccountState, AccountEvent>;
export type GrantDefinition = AggregateDefinition<ClientKey, GrantCommand, GrantState, GrantEvent>;
export type FastTokenDefinition = AggregateDefinition<ClientKey, FastTokenCommand, FastTokenState, FastTokenEvent>;

/**
 * One account by its bare JID. Every refusal decided on a cached state is confirmed on a
 * fresh load (the store's default): "exists" may be an account deleted elsewhere since,
 * "not found" one created elsewhere a moment ago.
 */
export function accountAggregate(ns: string): AccountDefinition {
  const { subjects } = namesFor(ns);
  return { name: 'account', subject: subjects.account, isEvent: isAccountEvent, initialState: noAccount, evolve: evolveAccount, decide: decideAccount };
}

/** One account's grant to one client id. */
export function grantAggregate(ns: string): GrantDefinition {
  const { subjects } = namesFor(ns);
  return {
    name: 'grant',
    subject: ({ jid, clientId }) => subjects.grant(jid, clientId),
    isEvent: isGrantEvent,
    initialState: noGrant,
    evolve: evolveGrant,
    decide: decideGrant,
    // "Already revoked" may be a cache that has not seen the grant created again since.
    confirmNoop: (command) => command.type === 'RevokeGrant',
  };
}

/** The FAST token slots of one account and client id. */
export function fastTokenAggregate(ns: string): FastTokenDefinition {
  const { subjects } = namesFor(ns);
  return {
    name: 'fast-token',
    subject: ({ jid, clientId }) => subjects.fastToken(jid, clientId),
    isEvent: isFastTokenEvent,
    initialState: noFastToken,
    evolve: evolveFastToken,
    decide: decideFastToken,
    // "No token to invalidate" may be a cache that has not seen it issued or used yet.
    confirmNoop: (command) => command.type === 'InvalidateUsedFastToken' || command.type === 'InvalidateFastTokens',
    // Only an unknown token may be one issued elsewhere a moment ago; later events never
    // revive an expired, invalidated or replayed one, so those answers stand at once.
    confirmRefusal: (error) => error instanceof FastNotAuthorizedError && error.reason === 'token-unknown',
  };
}
