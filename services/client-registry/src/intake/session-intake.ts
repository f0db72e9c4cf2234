import type { GatehouseEvent } from '@gatehouse/events';
import type { SessionFact } from '../logins/session-fact.ts';
import type { SessionReader } from '../logins/session-reader.ts';
import { keepWithinLimit, madeKnown } from './client-limit.ts';
import { recordFor, type IntakeDeps } from './intake-deps.ts';
import { recordMaybeNew } from './new-client.ts';

/**
 * Session events (sessions stream) into a client fact when a login changes the client
 * (catalog v2: `client.seen`; docs/client-management.md). A routine login of a known
 * client, a binding and an end store nothing: what they change (live sessions, last sight)
 * the projections service keeps (login-facts.ts). A login or an end may put the account
 * over its client limit, or let it forget one now idle.
 */
export class SessionIntake {
  constructor(
    private readonly deps: IntakeDeps,
    private readonly reader: Pick<SessionReader, 'read'>,
  ) {}

  async handle(event: GatehouseEvent): Promise<void> {
    const fact = await this.reader.read(event);
    if (!fact || fact.kind === 'bound') return;
    const { jid, clientId } = fact.key;
    await this.deps.lock.run(jid, async () => {
      if (fact.kind === 'login') {
        // Recorded on behalf of the login's own event: the same fact whichever event told it.
        const outcome = await recordMaybeNew(this.deps, fact.sourceId, authentication(fact));
        await keepWithinLimit(this.deps, recordFor(this.deps, { id: fact.sourceId }), { jid, keep: clientId, at: fact.at, added: madeKnown(outcome) });
      } else {
        await keepWithinLimit(this.deps, recordFor(this.deps, event), { jid, at: fact.at, added: false });
      }
    });
  }
}

function authentication(login: Extract<SessionFact, { kind: 'login' }>) {
  const { key, sessionId, at, legacy, mechanism, method, userAgent } = login;
  return { type: 'RecordAuthentication' as const, ...key, at, sessionId, legacy, mechanism, method, ...(userAgent ? { userAgent } : {}) };
}
