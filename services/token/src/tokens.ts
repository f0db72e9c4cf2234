import type { NatsConnection } from '@gatehouse/bus';
import { isFastTokenEvent, isGrantEvent, namesFor, type GatehouseEvent } from '@gatehouse/events';
import type { Access } from './access.ts';
import type { AccountsView } from './account/accounts-view.ts';
import { createClientHandler, type ClientStream } from './aggregate/client-handler.ts';
import { natsClientStream } from './aggregate/client-stream.ts';
import { ClientView } from './aggregate/client-view.ts';
import { decide as decideFastToken, type FastTokenCommand } from './fast/decide.ts';
import { FastNotAuthorizedError } from './fast/errors.ts';
import { evolve as evolveFastToken, initialState as noFastToken, type FastTokenFact, type FastTokenState } from './fast/fast-token.ts';
import { decide as decideGrant, type GrantCommand } from './grant/decide.ts';
import { evolve as evolveGrant, initialState as noGrant, type GrantFact, type GrantState } from './grant/grant.ts';
import { GrantUses } from './grant/uses.ts';

export interface TokenStreams {
  grants: ClientStream<GrantFact, GrantState>;
  tokens: ClientStream<FastTokenFact, FastTokenState>;
}

export interface AccessOptions {
  domain: string;
  accounts: AccountsView;
  tokenKey: Uint8Array;
  clock: () => Date;
  lifetimeMs: number;
  rotateAfterMs: number;
  maxClientsPerAccount: number;
}

/** Grant and FAST token views, and handlers appending to `streams`. */
export function createAccess(streams: TokenStreams, options: AccessOptions): Access {
  const grants = new ClientView<GrantState, GrantFact>(evolveGrant, noGrant);
  const tokens = new ClientView<FastTokenState, FastTokenFact>(evolveFastToken, noFastToken);
  const { clock } = options;
  return {
    ...options,
    grants,
    tokens,
    uses: new GrantUses(),
    refreshGrant: async (key) => grants.replace(key, await streams.grants.load(key)),
    executeGrant: createClientHandler<GrantCommand, GrantFact, GrantState>({
      view: grants,
      stream: streams.grants,
      decide: decideGrant,
      clock,
      // "Already revoked" may be a view that has not seen the grant created again since.
      confirmNoop: (command) => command.type === 'RevokeGrant',
    }),
    executeToken: createClientHandler<FastTokenCommand, FastTokenFact, FastTokenState>({
      view: tokens,
      stream: streams.tokens,
      decide: decideFastToken,
      clock,
      // "No token to invalidate" may be a view that has not seen it issued or used yet.
      confirmNoop: (command) => command.type === 'InvalidateUsedFastToken' || command.type === 'InvalidateFastTokens',
      // Only an unknown token may be one issued elsewhere a moment ago; later events never
      // revive an expired, invalidated or replayed one, so those answers stand at once.
      confirmRefusal: (error) => error instanceof FastNotAuthorizedError && error.reason === 'token-unknown',
    }),
  };
}

/** Folds a stored event of the tokens stream into the matching view. */
export function applyTokenEvent(access: Access, event: GatehouseEvent, sequence: number): void {
  if (isGrantEvent(event)) access.grants.apply(event, sequence);
  else if (isFastTokenEvent(event)) access.tokens.apply(event, sequence);
}

/** Both per-client aggregates on the namespace's tokens stream. */
export function natsTokenStreams(nc: NatsConnection, ns: string): TokenStreams {
  const names = namesFor(ns);
  return {
    grants: natsClientStream(nc, {
      stream: names.streams.tokens,
      subject: names.subjects.grant,
      isFact: isGrantEvent,
      evolve: evolveGrant,
      initialState: noGrant,
    }),
    tokens: natsClientStream(nc, {
      stream: names.streams.tokens,
      subject: names.subjects.fastToken,
      isFact: isFastTokenEvent,
      evolve: evolveFastToken,
      initialState: noFastToken,
    }),
  };
}
