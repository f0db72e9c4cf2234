import { randomUUID } from 'node:crypto';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import type { AccountFact } from './account.ts';
import type { AccountsView, KnownAccount } from './accounts-view.ts';
import { decide, type AccountCommand } from './decide.ts';

/** The stream side of the accounts, injected so the retry logic is tested without NATS. */
export interface AccountsStream {
  /** Appends if the account's last sequence is still `expectedSequence`; resolves to the new one. `eventId` is the stored event's id. */
  append(fact: AccountFact, expectedSequence: number, eventId: string): Promise<number>;
  /** Reads one account's whole history back from the stream. */
  load(jid: string): Promise<KnownAccount>;
}

export interface CommandHandlerDeps {
  view: AccountsView;
  stream: AccountsStream;
  clock: () => Date;
  /** Decide-and-append attempts before a conflict is reported; default 5. */
  maxAttempts?: number;
}

/** Resolves to the facts stored, each with its event id (the cause an access-cut notice names). */
export type CommandHandler = (command: AccountCommand) => Promise<(AccountFact & { id: string })[]>;

/**
 * Decides against the state this replica knows and appends with optimistic concurrency.
 * Another replica may have written first: then the account is re-read from the stream
 * and the command decided again, which is safe because `decide` is pure.
 */
export function createCommandHandler({ view, stream, clock, maxAttempts = 5 }: CommandHandlerDeps): CommandHandler {
  return async (command) => {
    for (let attempt = 1; ; attempt += 1) {
      const known = view.get(command.jid);
      const facts = decide(command, known.state, clock());
      try {
        let sequence = known.sequence;
        const stored: (AccountFact & { id: string })[] = [];
        for (const fact of facts) {
          // Random, fresh on every attempt: an id derived from the command would let two
          // replicas' racing creates de-duplicate into one "success" instead of a conflict.
          const id = randomUUID();
          sequence = await stream.append(fact, sequence, id);
          // Applied now, not when the follower delivers it, so this replica reads its own writes.
          view.apply(fact, sequence);
          stored.push({ ...fact, id });
        }
        return stored;
      } catch (error) {
        if (!(error instanceof WrongExpectedSequenceError) || attempt >= maxAttempts) throw error;
        view.replace(command.jid, await stream.load(command.jid));
      }
    }
  };
}
