/**
 * RFC 6121 Appendix A, row by row: every one of the nine states (A.1) against every
 * subscription presence, sent (A.2) and received (A.3), then the §3.4 pre-approval rows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stateName, transition, type SubscriptionPresence } from './subscription-states.ts';
import { STATES, TABLES, state, type Row } from './appendix-a.fixture.ts';

describe('RFC 6121 Appendix A subscription states', () => {
  it('names all nine A.1 states', () => {
    for (const [name, value] of Object.entries(STATES)) assert.equal(stateName(value), name);
  });

  for (const direction of ['outbound', 'inbound'] as const) {
    for (const [presence, rows] of Object.entries(TABLES[direction]) as [SubscriptionPresence, Row[]][]) {
      describe(`${direction} ${presence} (A.${direction === 'outbound' ? 2 : 3})`, () => {
        for (const [existing, pass, expected] of rows) {
          const verb = direction === 'outbound' ? 'routed' : 'delivered';
          it(`${existing}: ${pass ? verb : `not ${verb}`}, ${expected === '=' ? 'no state change' : `→ ${expected}`}`, () => {
            const result = transition(direction, presence, state(existing));
            assert.equal(result.pass, pass);
            assert.deepEqual(result.next, state(expected === '=' ? existing : expected));
          });
        }
      });
    }
  }

  it('auto-replies subscribed to a subscribe from a contact that already has a subscription (§3.1.3)', () => {
    for (const existing of ['From', 'From + Pending Out', 'Both']) {
      assert.equal(transition('inbound', 'subscribe', state(existing)).autoReply, 'subscribed', existing);
    }
    for (const existing of ['None', 'None + Pending Out', 'To', 'None + Pending In']) {
      assert.equal(transition('inbound', 'subscribe', state(existing)).autoReply, undefined, existing);
    }
  });
});

describe('RFC 6121 §3.4 pre-approval', () => {
  for (const existing of ['None', 'None + Pending Out', 'To']) {
    it(`outbound subscribed in ${existing} pre-approves without routing`, () => {
      const result = transition('outbound', 'subscribed', state(existing));
      assert.equal(result.pass, false);
      assert.deepEqual(result.next, state(existing, true));
    });

    it(`outbound unsubscribed in ${existing} cancels the pre-approval without routing (A.2.4 note 1)`, () => {
      const result = transition('outbound', 'unsubscribed', state(existing, true));
      assert.equal(result.pass, false);
      assert.deepEqual(result.next, state(existing));
    });
  }

  const approvedSubscribe: Array<[string, string]> = [
    ['None', 'From'],
    ['None + Pending Out', 'From + Pending Out'],
    ['To', 'Both'],
  ];
  for (const [existing, expected] of approvedSubscribe) {
    it(`an inbound subscribe to a pre-approved ${existing} becomes ${expected}, answered by the server, not delivered`, () => {
      const result = transition('inbound', 'subscribe', state(existing, true));
      assert.equal(result.pass, false);
      assert.equal(result.autoReply, 'subscribed');
      assert.deepEqual(result.next, state(expected));
    });
  }

  it('keeps a pre-approval through the owner subscribing to the contact', () => {
    assert.deepEqual(transition('outbound', 'subscribe', state('None', true)).next, state('None + Pending Out', true));
    assert.deepEqual(transition('inbound', 'subscribed', state('None + Pending Out', true)).next, state('To', true));
  });

  it('pre-approving twice changes nothing more', () => {
    assert.deepEqual(transition('outbound', 'subscribed', state('None', true)).next, state('None', true));
  });
});
