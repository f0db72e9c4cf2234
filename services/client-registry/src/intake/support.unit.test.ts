import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientFact } from '../client/client.ts';
import { derivedEventId } from './event-id.ts';

describe('derivedEventId', () => {
  const fact = (clientId: string, type: ClientFact['type'] = 'gatehouse.client.password-changed.v1') =>
    ({ type, time: '2025-03-01T00:00:00.000Z', data: { jid: 'a@b', clientId } }) as ClientFact;
  it('is stable per source event, client and type, and UUID-shaped', () => {
    assert.equal(derivedEventId('e1', fact('x')), derivedEventId('e1', fact('x')));
    assert.match(derivedEventId('e1', fact('x')), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const ids = new Set([derivedEventId('e1', fact('x')), derivedEventId('e2', fact('x')), derivedEventId('e1', fact('y')), derivedEventId('e1', fact('x', 'gatehouse.client.forgotten.v1'))]);
    assert.equal(ids.size, 4);
  });
});
