import { createHmac, randomBytes } from 'node:crypto';
import type { Endpoints } from '@gatehouse/bus';
import { createMemoryEventStore, MemoryEventLog } from '@gatehouse/event-store';
import { isFastTokenEvent, isGrantEvent, type GatehouseEvent, type ScramCredentials } from '@gatehouse/events';
import { createAccess, revokeAccountAccess, type Access } from './access.ts';
import type { AccountCommand } from './account/decide.ts';
import { accountAggregate, fastTokenAggregate, grantAggregate, tokenSource } from './aggregates.ts';
import { fastEndpoints } from './fast/endpoints.ts';
import { grantEndpoints } from './grant/endpoints.ts';
import type { TokenStores } from './stores.ts';

const ns = 'unit';
const credential = { salt: 'AAAA', iterations: 4096, storedKey: 'AAAA', serverKey: 'AAAA' };
export const credentials: ScramCredentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
export const DAY_MS = 86_400_000;

/** A NATS subject filter matched as JetStream does: `*` one token, `>` the rest. */
function matches(filter: string, subject: string): boolean {
  const [want, have] = [filter.split('.'), subject.split('.')];
  for (const [i, token] of want.entries()) {
    if (token === '>') return have.length > i;
    if (i >= have.length || (token !== '*' && token !== have[i])) return false;
  }
  return want.length === have.length;
}

/** The three stores of one replica over `log`, one memory "stream" for every subject. */
export function memoryTokenStores(log: MemoryEventLog, clock: () => Date): TokenStores {
  const options = { log, source: tokenSource, clock, retryJitterMs: 0 };
  return {
    accounts: createMemoryEventStore(accountAggregate(ns), options),
    grants: createMemoryEventStore(grantAggregate(ns), options),
    tokens: createMemoryEventStore(fastTokenAggregate(ns), options),
    readTokens: async (filter) => log.stored.map(({ event }) => event).filter((event) => matches(filter, event.subject)),
  };
}

const asFact = ({ type, time, data }: GatehouseEvent) => ({ type, time, data });

/**
 * The grant and FAST endpoints over an in-memory stream with a fake clock, for unit tests.
 * Account changes are made through the first replica's store and observed by every other,
 * as the followers of coherence.ts would.
 */
export function testAccess({ lifetimeMs = 21 * DAY_MS, rotateAfterMs = DAY_MS, maxClientsPerAccount = 64 } = {}) {
  let now = new Date('2025-03-01T00:00:00.000Z');
  const clock = () => now;
  const log = new MemoryEventLog();
  const tokenKey = randomBytes(32);
  const replicas: Access[] = [];
  const replicaAccess = () => {
    const made = createAccess(memoryTokenStores(log, clock), { ns, domain: 'localhost', tokenKey, clock, lifetimeMs, rotateAfterMs, maxClientsPerAccount });
    replicas.push(made);
    return made;
  };
  const endpointsOf = (of: Access): Endpoints => ({ ...grantEndpoints(of), ...fastEndpoints(of) });
  const access = replicaAccess();
  const endpoints = endpointsOf(access);
  const account = async (command: AccountCommand) => {
    const { events } = await access.accounts.execute(command.jid, command);
    for (const { event, sequence } of events) for (const replica of replicas) await replica.accounts.observe(event.subject, sequence);
    return events[0]!.event.time;
  };
  const stored = () => log.stored.map(({ event }) => event);
  return {
    access,
    log,
    /** What was appended to the grant and FAST token aggregates, in order. */
    streams: {
      grants: { get appended() { return stored().filter(isGrantEvent); } },
      tokens: { get appended() { return stored().filter(isFastTokenEvent); } },
    },
    tokenKey,
    now: () => now,
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
    call: <T = unknown>(endpoint: string, payload: unknown) => endpoints[endpoint]!(payload) as Promise<T>,
    /** The endpoints of another replica over the same stream, whose caches have read nothing yet. */
    replica() {
      const other = endpointsOf(replicaAccess());
      return <T = unknown>(endpoint: string, payload: unknown) => other[endpoint]!(payload) as Promise<T>;
    },
    /** Not awaited by every test: the account's next read queues behind it in the same store. */
    createAccount(jid: string) {
      return account({ type: 'CreateAccount', jid, credentials });
    },
    /** `revoke: false` plays a service that stored the change and died before revoking. */
    async changePassword(jid: string, { revoke = true } = {}) {
      const at = await account({ type: 'ChangePassword', jid, credentials });
      if (revoke) await revokeAccountAccess(access, jid, 'password-changed', at);
    },
    async deleteAccount(jid: string) {
      await revokeAccountAccess(access, jid, 'account-deleted', await account({ type: 'DeleteAccount', jid }));
    },
    /** Everything appended to the grant and token aggregates, as JSON. */
    written: () => JSON.stringify(stored().filter((event) => isGrantEvent(event) || isFastTokenEvent(event)).map(asFact)),
  };
}

/** A client's HT proof, computed as draft-schmaus-kitten-sasl-ht says, independently of the service. */
export function clientProof(token: string, label: 'Initiator' | 'Responder', cbData: Uint8Array = new Uint8Array()): string {
  return createHmac('sha256', token).update(label).update(cbData).digest('base64');
}
