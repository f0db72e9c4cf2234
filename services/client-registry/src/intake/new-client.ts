import type { RecordAuthentication, RecordGrant } from '../client/decide.ts';
import { factsIfNew, recordFor, type IntakeDeps } from './intake-deps.ts';

/**
 * Records a login or grant that may make its client known, checked against the account's
 * history (decide.ts `creation`). The history is read before the client exists, so a
 * password change or deletion handled meanwhile, on another replica, may have read the
 * account's clients without this one: the history is read once more after a creation and
 * what it says since is told to the new client. Either that handling sees the client, or
 * this read sees the change; the change is never lost. `sourceId`: the event the command
 * comes from (intake-deps.ts `recordFor`).
 */
export async function recordMaybeNew(deps: IntakeDeps, sourceId: string, command: RecordAuthentication | RecordGrant) {
  const outcome = await recordFor(deps, { id: sourceId })({ ...command, ...(await factsIfNew(deps, command)) });
  if (outcome.before.status !== 'unknown' || outcome.state.status === 'unknown') return outcome;
  const { jid, clientId } = command;
  const account = await deps.accountFacts(jid);
  // Ids of their own (the creation may have stored a password change from the same source), unique to the change told.
  if (account.deletedAt !== undefined) {
    const at = account.deletedAt;
    await recordFor(deps, { id: `${sourceId}#${at}` })({ type: 'ForgetClient', jid, clientId, at, reason: 'account-deleted' });
  } else if (account.passwordChangedAt !== undefined) {
    const at = account.passwordChangedAt;
    await recordFor(deps, { id: `${sourceId}#${at}` })({ type: 'RecordPasswordChange', jid, clientId, at });
  }
  return outcome;
}
