import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from './decider-spec.ts';

class OverdrawnError extends Error {
  readonly code = 'overdrawn';
}

type Event = { type: 'deposited' | 'withdrawn'; amount: number };
const counter = deciderSpec<{ withdraw: number }, Event, number>({
  initialState: () => 0,
  evolve: (balance, event) => balance + (event.type === 'deposited' ? event.amount : -event.amount),
  decide: (command, balance) => {
    if (command.withdraw > balance) throw new OverdrawnError('overdrawn');
    return command.withdraw === 0 ? [] : [{ type: 'withdrawn', amount: command.withdraw }];
  },
});

describe('deciderSpec', () => {
  it('folds the given events before deciding', () => {
    counter.given([{ type: 'deposited', amount: 5 }, { type: 'deposited', amount: 3 }]).when({ withdraw: 8 }).then([{ type: 'withdrawn', amount: 8 }]);
    counter.given([]).when({ withdraw: 0 }).then([]);
  });

  it('fails when other events are decided', () => {
    assert.throws(() => counter.given([{ type: 'deposited', amount: 5 }]).when({ withdraw: 1 }).then([]), assert.AssertionError);
  });

  it('passes thenThrows on the expected error class and runs the check', () => {
    let checked = false;
    counter.given([]).when({ withdraw: 1 }).thenThrows(OverdrawnError, (error) => {
      checked = error.code === 'overdrawn';
    });
    assert.ok(checked);
  });

  it('fails thenThrows when nothing or something else is thrown', () => {
    assert.throws(() => counter.given([{ type: 'deposited', amount: 5 }]).when({ withdraw: 1 }).thenThrows(OverdrawnError), /expected OverdrawnError, but the command decided/);
    assert.throws(() => counter.given([]).when({ withdraw: 1 }).thenThrows(RangeError), /expected RangeError, got OverdrawnError/);
  });
});
