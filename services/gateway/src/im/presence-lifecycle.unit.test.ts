import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import xml from '@xmpp/xml';
import { createEvent, type EventDataMap, type EventType } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { PresenceAudiences, subscriberChange } from './audiences.ts';
import { PresenceLifecycle } from './presence-lifecycle.ts';
import type { PresencePeers } from './roster-sync-client.ts';

function lifecycleWith(peersNow: () => PresencePeers, audiences = new PresenceAudiences()) {
  const sent: string[] = [];
  const lifecycle = new PresenceLifecycle({
    client: { peers: async () => peersNow() },
    contacts: { toAvailable: async (to: string) => void sent.push(to) },
    audiences,
    presences: { put: async () => {}, remove: async () => {} },
    directed: { take: () => [] },
    offline: {},
    table: { get: () => undefined },
    router: {},
    logger: createLogger('test', 'silent'),
  } as unknown as ConstructorParameters<typeof PresenceLifecycle>[0]);
  return { lifecycle, sent };
}

const session = { sessionId: 's1', fullJid: 'kate@x/r', bareJid: 'kate@x', priority: 0 };

describe('PresenceLifecycle: who hears that a session is unavailable (RFC 6121 §4.5.2)', () => {
  it("tells the contacts that saw a deleted account online, even after roster-sync dropped the account's roster", async () => {
    let peers: PresencePeers = { broadcast: ['liam@x'], probe: [], pending: [] };
    const { lifecycle, sent } = lifecycleWith(() => peers);
    await lifecycle.available(session, xml('presence'), false);
    peers = { broadcast: [], probe: [], pending: [] };
    sent.length = 0;
    await lifecycle.unavailable(session, undefined, true);
    assert.deepEqual(sent, ['liam@x']);
  });

  it('otherwise tells the subscribers the roster has now, not the ones it once had', async () => {
    let peers: PresencePeers = { broadcast: ['liam@x', 'blocked@x'], probe: [], pending: [] };
    const { lifecycle, sent } = lifecycleWith(() => peers);
    await lifecycle.available(session, xml('presence'), false);
    peers = { broadcast: ['liam@x'], probe: [], pending: [] };
    sent.length = 0;
    await lifecycle.unavailable(session, undefined);
    assert.deepEqual(sent, ['liam@x']);
  });

  it('tells a deleted account\'s subscribers who subscribed after its presence went out, and not those who left', async () => {
    const audiences = new PresenceAudiences();
    const { lifecycle, sent } = lifecycleWith(() => ({ broadcast: [], probe: [], pending: [] }), audiences);
    const item = (jid: string, subscription: 'from' | 'none') => ({ jid, groups: [], subscription, ask: false, approved: false });
    const event = <T extends EventType>(type: T, data: EventDataMap[T]) => createEvent(type, { subject: 's', source: 'test', data });
    await lifecycle.available(session, xml('presence'), true);
    const changed = { owner: 'kate@x', version: 1, direction: 'inbound' as const, presence: 'subscribed' as const, onRoster: true, itemChanged: true, pendingIn: false };
    for (const change of [
      subscriberChange(event('gatehouse.roster.subscription-changed.v1', { ...changed, item: item('liam@x', 'from') })),
      subscriberChange(event('gatehouse.roster.subscription-changed.v1', { ...changed, item: item('gone@x', 'from') })),
      subscriberChange(event('gatehouse.roster.subscription-changed.v1', { ...changed, item: item('gone@x', 'none') })),
      subscriberChange(event('gatehouse.roster.cleared.v1', { owner: 'kate@x', version: 4, removed: ['liam@x'], reason: 'account-deleted' })),
    ]) {
      if (change) audiences.apply(change);
    }
    sent.length = 0;
    await lifecycle.unavailable(session, undefined, true);
    assert.deepEqual(sent, ['liam@x']);
  });
});
