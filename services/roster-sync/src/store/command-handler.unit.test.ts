import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WrongExpectedSequenceError } from '@gatehouse/bus';
import { AggregateView, type Known } from './aggregate-view.ts';
import { createCommandHandler, type AggregateStream } from './command-handler.ts';

type Fact = { add: number };

/** A stream of counters; `foreign` appends as another replica would, behind the view's back. */
function fakeStream() {
  const log = new Map<string, Fact[]>();
  let seq = 0;
  const stream: AggregateStream<number, Fact> & { foreign(key: string, fact: Fact): void; appends: number } = {
    appends: 0,
    async append(key, fact, expected) {
      const facts = log.get(key) ?? [];
      const last = (facts as Array<Fact & { seq?: number }>).at(-1)?.seq ?? 0;
      if (last !== expected) throw new WrongExpectedSequenceError(key, expected);
      seq += 1;
      stream.appends += 1;
      log.set(key, [...facts, { ...fact, seq } as Fact]);
      return seq;
    },
    async load(key): Promise<Known<number>> {
      const facts = (log.get(key) ?? []) as Array<Fact & { seq: number }>;
      return { state: facts.reduce((sum, fact) => sum + fact.add, 0), sequence: facts.at(-1)?.seq ?? 0 };
    },
    foreign(key, fact) {
      seq += 1;
      log.set(key, [...(log.get(key) ?? []), { ...fact, seq } as Fact]);
    },
  };
  return stream;
}

describe('command handler', () => {
  const make = (stream: ReturnType<typeof fakeStream>) => {
    const view = new AggregateView<number, Fact>(() => 0, (sum, fact) => sum + fact.add);
    const execute = createCommandHandler({ view, stream, decide: (add: number) => [{ add }], keyOf: () => 'k' });
    return { view, execute };
  };

  it('re-reads and decides again when another replica wrote first', async () => {
    const stream = fakeStream();
    const { view, execute } = make(stream);
    stream.foreign('k', { add: 10 });
    const decided = await execute(1);
    assert.equal(decided.before, 10);
    assert.equal(decided.after, 11);
    assert.equal(view.get('k').state, 11);
  });

  it('runs commands for one aggregate one at a time, so they never conflict with each other', async () => {
    const stream = fakeStream();
    const { view, execute } = make(stream);
    await Promise.all(Array.from({ length: 20 }, () => execute(1)));
    assert.equal(view.get('k').state, 20);
    assert.equal(stream.appends, 20);
  });

  it('gives up after its attempts and reports the conflict', async () => {
    const stream = fakeStream();
    const view = new AggregateView<number, Fact>(() => 0, (sum, fact) => sum + fact.add);
    const always = { ...stream, append: async (key: string, _fact: Fact, expected: number): Promise<number> => { throw new WrongExpectedSequenceError(key, expected); } };
    const execute = createCommandHandler({ view, stream: always, decide: (add: number) => [{ add }], keyOf: () => 'k', maxAttempts: 2 });
    await assert.rejects(execute(1), WrongExpectedSequenceError);
  });
});
