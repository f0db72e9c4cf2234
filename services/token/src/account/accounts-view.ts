import { evolve, initialState, type AccountFact, type AccountState } from './account.ts';

/** An account's state and the stream sequence of its last event (0: no event yet). */
export interface KnownAccount {
  state: AccountState;
  sequence: number;
}

/**
 * Every account's state in memory, folded from the accounts stream. Events may arrive
 * twice (once when this replica appends, once through the stream follower): sequences
 * make applying them idempotent.
 */
export class AccountsView {
  readonly #accounts = new Map<string, KnownAccount>();
  #version = 0;

  /** The highest stream sequence folded in: it changes whenever the list of accounts may have. */
  get version(): number {
    return this.#version;
  }

  get(jid: string): KnownAccount {
    return this.#accounts.get(jid) ?? { state: initialState(), sequence: 0 };
  }

  /** Folds one stored event; one at or below the account's known sequence is already in. */
  apply(event: AccountFact, sequence: number): void {
    const known = this.get(event.data.jid);
    if (sequence <= known.sequence) return;
    this.#accounts.set(event.data.jid, { state: evolve(known.state, event), sequence });
    this.#version = Math.max(this.#version, sequence);
  }

  /** Replaces an account with its state re-read from the stream after a conflict. */
  replace(jid: string, known: KnownAccount): void {
    if (known.sequence < this.get(jid).sequence) return;
    this.#accounts.set(jid, known);
    this.#version = Math.max(this.#version, known.sequence);
  }

  /** Bare JIDs of the active accounts, optionally of one domain, sorted. */
  list(domain?: string): string[] {
    const jids: string[] = [];
    for (const { state } of this.#accounts.values()) {
      if (state.status === 'active' && (domain === undefined || state.jid.endsWith(`@${domain}`))) jids.push(state.jid);
    }
    return jids.sort();
  }
}
