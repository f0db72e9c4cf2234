import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEvent, type EventDataMap, type EventType } from '@gatehouse/events';
import { featuresXml } from '../c2s/features.ts';
import { pushesFor } from './pushes.ts';

const event = <T extends EventType>(type: T, data: EventDataMap[T]) => createEvent(type, { subject: 's', source: 'test', data });
const item = (jid: string, subscription: 'none' | 'to' | 'from' | 'both' = 'both') => ({ jid, groups: ['G'], subscription, ask: false, approved: false });

describe('roster and block list pushes (RFC 6121 §2.1.6, XEP-0191 §3.3)', () => {
  it('pushes one item per push, each with the version it leads to', () => {
    const pushes = pushesFor(event('gatehouse.roster.synced.v1', { owner: 'a@x', version: 7, set: [item('b@x'), item('c@x')], removed: ['d@x'] }));
    assert.equal(pushes?.interest, 'roster');
    assert.deepEqual(
      pushes?.payloads.map((query) => [query.attrs.ver, query.getChild('item')?.attrs.jid, query.getChild('item')?.attrs.subscription]),
      [
        ['5', 'b@x', 'both'],
        ['6', 'c@x', 'both'],
        ['7', 'd@x', 'remove'],
      ],
    );
  });

  it("pushes the removal of every contact of a roster emptied by the account's deletion", () => {
    const pushes = pushesFor(event('gatehouse.roster.cleared.v1', { owner: 'a@x', version: 9, removed: ['b@x', 'c@x'], reason: 'account-deleted' }));
    assert.deepEqual(
      pushes?.payloads.map((query) => [query.attrs.ver, query.getChild('item')?.attrs.jid, query.getChild('item')?.attrs.subscription]),
      [
        ['8', 'b@x', 'remove'],
        ['9', 'c@x', 'remove'],
      ],
    );
    assert.equal(pushesFor(event('gatehouse.roster.cleared.v1', { owner: 'a@x', version: 9, removed: [], reason: 'account-deleted' })), undefined);
  });

  it('renders ask and approved only when set, with groups', () => {
    const changed = { owner: 'a@x', version: 3, direction: 'outbound' as const, presence: 'subscribe' as const, onRoster: true, itemChanged: true, pendingIn: false };
    const pushes = pushesFor(event('gatehouse.roster.subscription-changed.v1', { ...changed, item: { ...item('b@x', 'none'), ask: true, name: 'Bee' } }));
    assert.equal(
      pushes?.payloads[0]?.toString(),
      "<query xmlns=\"jabber:iq:roster\" ver=\"3\"><item jid=\"b@x\" subscription=\"none\" name=\"Bee\" ask=\"subscribe\"><group>G</group></item></query>",
    );
    assert.equal(pushesFor(event('gatehouse.roster.subscription-changed.v1', { ...changed, item: item('b@x', 'to'), itemChanged: false, pendingIn: true })), undefined, 'a pending request alone is not pushed');
  });

  it('pushes block list changes, an unblock of everyone as an empty <unblock/>', () => {
    const blocked = pushesFor(event('gatehouse.blocklist.blocked.v1', { owner: 'a@x', jids: ['b@x'] }));
    assert.equal(blocked?.interest, 'blocklist');
    assert.equal(blocked?.payloads[0]?.toString(), '<block xmlns="urn:xmpp:blocking"><item jid="b@x"/></block>');
    const all = pushesFor(event('gatehouse.blocklist.unblocked.v1', { owner: 'a@x', jids: ['b@x', 'c@x'], all: true }));
    assert.equal(all?.payloads[0]?.toString(), '<unblock xmlns="urn:xmpp:blocking"/>');
  });

  it('advertises roster versioning and pre-approval after authentication (RFC 6121 §2.6.1, §3.4)', () => {
    const features = featuresXml({ canStartTls: false, authenticated: true, bound: false, mechanisms: [], sasl2: '' });
    assert.match(features, /<ver xmlns='urn:xmpp:features:rosterver'\/>/);
    assert.match(features, /<sub xmlns='urn:xmpp:features:pre-approval'\/>/);
  });
});
