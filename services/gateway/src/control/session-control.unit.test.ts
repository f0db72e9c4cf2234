import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, type ControlAccessCutData, type GatehouseEvent } from '@gatehouse/events';
import { controlDecision } from './session-control.ts';

const cut = (data: Omit<ControlAccessCutData, 'cause'>) =>
  createEvent('gatehouse.control.access-cut.v1', {
    subject: 'ns.control.x',
    source: 'test',
    data: { ...data, cause: { type: 'gatehouse.client.revoked.v1', id: 'cause-1' } },
  });
const session = (clientId: string | undefined, fullJid: string | undefined) => ({ bareJid: 'a@x', fullJid, clientId, terminate: async () => {} });

describe('session control: access-cut', () => {
  it('ends every session of a deleted account with not-authorized, and of a changed password with reset, saying why', () => {
    const deleted = controlDecision(cut({ jid: 'a@x', reason: 'account-deleted' }));
    assert.deepEqual([deleted?.jid, deleted?.condition, deleted?.text, deleted?.reason, deleted?.applies], ['a@x', 'not-authorized', 'account deleted', 'account-deleted', undefined]);
    const changed = controlDecision(cut({ jid: 'a@x', reason: 'password-changed' }));
    assert.deepEqual([changed?.condition, changed?.text, changed?.reason, changed?.applies], ['reset', 'password changed: log in again', 'password-changed', undefined]);
  });

  it("ends only the revoked client's sessions, by client id or by full JID", () => {
    const decision = controlDecision(cut({ jid: 'a@x', reason: 'client-revoked', clientId: 'phone', fullJids: ['a@x/legacy'] }))!;
    assert.deepEqual([decision.condition, decision.text, decision.reason], ['reset', 'access revoked', 'client-revoked']);
    assert.equal(decision.applies?.(session('phone', 'a@x/p~1')), true);
    assert.equal(decision.applies?.(session('phone', undefined)), true, 'authenticated, not yet bound');
    assert.equal(decision.applies?.(session('Xy12-ab_CdEf', 'a@x/legacy')), true);
    assert.equal(decision.applies?.(session('laptop', 'a@x/l~2')), false);
    assert.equal(decision.applies?.(session(undefined, undefined)), false);
  });

  it('cuts by full JID alone when the notice names no client', () => {
    const decision = controlDecision(cut({ jid: 'a@x', reason: 'client-revoked', fullJids: ['a@x/legacy'] }))!;
    assert.equal(decision.applies?.(session('Xy12-ab_CdEf', 'a@x/legacy')), true);
    assert.equal(decision.applies?.(session(undefined, 'a@x/other')), false);
  });

  it('ignores every other event: the deciding events reach gateways only as access-cut', () => {
    const base = { specversion: '1.0', id: '1', source: 's', subject: 'x', time: new Date().toISOString(), datacontenttype: 'application/json' } as const;
    const others = [
      { ...base, type: 'gatehouse.account.deleted.v1', data: { jid: 'a@x' } },
      { ...base, type: 'gatehouse.account.password-changed.v1', data: { jid: 'a@x' } },
      { ...base, type: 'gatehouse.client.revoked.v1', data: { jid: 'a@x', clientId: 'phone', fullJids: [], reason: 'revoked-by-user' } },
      { ...base, type: 'gatehouse.session.ended.v1', data: {} },
    ];
    for (const event of others) assert.equal(controlDecision(event as unknown as GatehouseEvent), undefined, event.type);
  });
});
