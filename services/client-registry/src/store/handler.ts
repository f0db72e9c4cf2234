import { randomUUID } from 'node:crypto';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { ClientFact, ClientState } from '../client/client.ts';
import { decide, type ClientCommand } from '../client/decide.ts';
import type { ClientStream } from './client-stream.ts';
import type { ClientView } from './client-view.ts';

export interface HandlerDeps {
  view: ClientView;
  stream: ClientStream;
  clock: () => Date;
  /** Decide-and-append attempts before a conflict is reported; default 5. */
  maxAttempts?: number;
}

/** What a command did: the facts appended (each with its event id), and the aggregate's state after them. */
export interface Outcome {
  facts: (ClientFact & { id: string })[];
  state: ClientState;
}

export interface ExecuteOptions {
  /** Event id of each fact (its Nats-Msg-Id); default random. */
  eventId?: (fact: ClientFact) => string;
}

export type ClientHandler = (command: ClientCommand, options?: ExecuteOptions) => Promise<Outcome>;

const isRefusal = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string';

/**
 * Decides against this replica's view (the record with its logins) and appends with
 * optimistic concurrency. The view may lag a write another replica made a moment ago: an
 * append then conflicts and the aggregate is re-read. A decision that appends nothing
 * cannot conflict, so "nothing to do" and refusals are decided once more on the aggregate
 * re-read from the stream before they are believed, except a routine login of a known
 * client: it is every login's outcome, and a read per login is the cost catalog v2 removes.
 * What it could miss is a revocation or forgetting stored within the last moments by
 * another replica, which this replica's follower brings a moment later.
 */
export function createClientHandler({ view, stream, clock, maxAttempts = 5 }: HandlerDeps): ClientHandler {
  return async (command, { eventId } = {}) => {
    let reloaded = false;
    const reload = async () => {
      view.replace(command, await stream.load(command));
      reloaded = true;
    };
    for (let conflicts = 0; ; ) {
      const known = view.get(command);
      const state = view.state(command);
      let facts: ClientFact[];
      try {
        facts = decide(command, state, clock());
      } catch (error) {
        if (reloaded || !isRefusal(error)) throw error;
        await reload();
        continue;
      }
      if (facts.length === 0 && !reloaded && !(command.type === 'RecordAuthentication' && state.status === 'known')) {
        await reload();
        continue;
      }
      try {
        let sequence = known.sequence;
        const stored: Outcome['facts'] = [];
        for (const fact of facts) {
          const id = eventId?.(fact) ?? randomUUID();
          sequence = await stream.append(fact, sequence, id);
          // Applied now, not when the follower delivers it, so this replica reads its own writes.
          view.apply({ ...fact, id }, sequence);
          stored.push({ ...fact, id });
        }
        return { facts: stored, state: view.state(command) };
      } catch (error) {
        conflicts += 1;
        if (!(error instanceof WrongExpectedSequenceError) || conflicts >= maxAttempts) throw error;
        await reload();
      }
    }
  };
}
