/**
 * A roster or block list changed after an account's deletion belongs to a new account of
 * the same name: a deletion handled late (a redelivery) must leave it alone.
 */
export function changedSinceDeletion(state: { changedAt?: string }, deletedAt: string): boolean {
  return state.changedAt !== undefined && state.changedAt > deletedAt;
}
