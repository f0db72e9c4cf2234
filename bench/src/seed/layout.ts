/**
 * Who owns what in the seeded data. Account i is `seed<i>@<domain>`. Client k belongs to
 * account k mod N (so accounts 0..K-1 get one each while K ≤ N), roster r to account r:
 * the accounts with a roster also logged in, as a real user with a roster has. Accounts
 * from max(R, K) on were never touched after they were created: the cold ones.
 */
export interface SeedCounts {
  accounts: number;
  rosters: number;
  contacts: number;
  clients: number;
}

export const DOMAIN = 'localhost';

export const userOf = (account: number) => `seed${account}`;
export const jidOf = (account: number) => `${userOf(account)}@${DOMAIN}`;

export const clientOwner = (counts: SeedCounts, client: number) => client % counts.accounts;

/**
 * The contacts of roster `owner`: accounts spread evenly over the whole range, never the
 * owner itself and never twice (contacts < accounts is checked by the options).
 */
export function contactsOf(counts: SeedCounts, owner: number): number[] {
  const step = Math.max(1, Math.floor(counts.accounts / (counts.contacts + 1)));
  return Array.from({ length: counts.contacts }, (_, j) => (owner + (j + 1) * step) % counts.accounts);
}

/** The first account no roster or client touched. */
export const firstColdAccount = (counts: SeedCounts) => Math.max(counts.rosters, Math.min(counts.clients, counts.accounts));

/** `count` indexes spread evenly over [from, to). */
export function spread(from: number, to: number, count: number): number[] {
  const span = to - from;
  if (count > span) throw new RangeError(`cannot pick ${count} of ${span}`);
  return Array.from({ length: count }, (_, i) => from + Math.floor((i * span) / count));
}

/** Accounts whose first login phase 4 times: untouched since they were created. */
export const coldAccounts = (counts: SeedCounts, count: number) => spread(firstColdAccount(counts), counts.accounts, count);

/** Roster owners whose roster phase 4 gets, cold then warm. */
export const rosterSample = (counts: SeedCounts, count: number) => spread(0, counts.rosters, count);
