import type { GatehouseEvent } from '@gatehouse/events';
import type { AccountFacts } from '../client/decide.ts';
import type { LoginView } from '../logins/login-view.ts';
import type { SessionFact } from '../logins/session-fact.ts';
import type { SessionReader } from '../logins/session-reader.ts';
import { forgetBeyondLimit } from './client-limit.ts';
import { factsIfNew, recordFor, type IntakeDeps } from './intake-deps.ts';

/**
 * Session events (sessions stream) into the login view and, when a login changes the
 * client, into a client fact (catalog v2: `client.seen`; docs/client-management.md). A
 * routine login of a known client, a binding and an end are kept in the login view only.
 */
export class SessionIntake {
  constructor(
    private readonly deps: IntakeDeps,
    private readonly logins: Pick<LoginView, 'apply'>,
    private readonly reader: Pick<SessionReader, 'read'>,
  ) {}

  /** `seq`: the event's stream sequence; the login view may have folded it already at start. */
  async handle(event: GatehouseEvent, seq: number): Promise<void> {
    const fact = await this.reader.read(event);
    if (!fact) {
      this.logins.apply(undefined, seq);
      return;
    }
    const { jid, clientId } = fact.key;
    await this.deps.lock.run(jid, async () => {
      this.logins.apply(fact, seq);
      if (fact.kind === 'login') {
        // Recorded on behalf of the login's own event: the same fact whichever event told it.
        const record = recordFor(this.deps, { id: fact.sourceId });
        await record(authentication(fact, await factsIfNew(this.deps, fact.key)));
        await forgetBeyondLimit(this.deps, record, { jid, keep: clientId, at: fact.at });
      } else if (fact.kind === 'ended') {
        await forgetBeyondLimit(this.deps, recordFor(this.deps, event), { jid, at: fact.at });
      }
    });
  }
}

function authentication(login: Extract<SessionFact, { kind: 'login' }>, facts: { account?: AccountFacts }) {
  const { key, sessionId, at, legacy, mechanism, method, userAgent } = login;
  return {
    type: 'RecordAuthentication' as const,
    ...key,
    at,
    sessionId,
    legacy,
    mechanism,
    method,
    ...(userAgent ? { userAgent } : {}),
    ...facts,
  };
}
