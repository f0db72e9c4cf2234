import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadPeerLookup, presencePeers } from './presence-peers.ts';
import { initialState, newContact, type Contact, type RosterState } from './roster/roster.ts';

const rosterOf = (...contacts: Partial<Contact>[]): RosterState => ({
  ...initialState(),
  contacts: new Map(contacts.map((c) => [c.jid!, { ...newContact(c.jid!), onRoster: true, ...c }])),
});

describe('presence peers (RFC 6121 §4.2, §4.3 with XEP-0191)', () => {
  const rosters: Record<string, RosterState> = {
    'me@x': rosterOf(
      { jid: 'both@x', subscription: 'both' },
      { jid: 'from@x', subscription: 'from' },
      { jid: 'to@x', subscription: 'to' },
      { jid: 'stale@x', subscription: 'to' },
      { jid: 'remote@elsewhere', subscription: 'both' },
      { jid: 'blocked@x', subscription: 'both' },
      { jid: 'blocker@x', subscription: 'both' },
      { jid: 'asker@x', onRoster: false, pendingIn: true, request: '<presence type="subscribe"/>' },
    ),
    'both@x': rosterOf({ jid: 'me@x', subscription: 'both' }),
    'to@x': rosterOf({ jid: 'me@x', subscription: 'from' }),
    'stale@x': rosterOf({ jid: 'me@x', subscription: 'none' }),
    'blocked@x': rosterOf({ jid: 'me@x', subscription: 'both' }),
    'blocker@x': rosterOf({ jid: 'me@x', subscription: 'both' }),
  };
  const blocks: Record<string, string[]> = { 'me@x': ['blocked@x'], 'blocker@x': ['me@x'] };
  const lookup = { roster: (jid: string) => rosters[jid] ?? initialState(), blocked: (jid: string) => blocks[jid] ?? [] };

  it('broadcasts to from/both, probes to/both whose own roster agrees, skips remote and blocked peers', () => {
    assert.deepEqual(presencePeers('me@x', 'x', lookup), {
      broadcast: ['both@x', 'from@x'],
      probe: ['both@x', 'to@x'],
      pending: ['<presence type="subscribe"/>'],
    });
  });

  it('loads only the block lists of local contacts and the rosters of contacts it may probe, and answers the same', async () => {
    const asked: string[] = [];
    const loader = {
      roster: async (jid: string) => (asked.push(`roster ${jid}`), lookup.roster(jid)),
      blocked: async (jid: string) => (asked.push(`blocked ${jid}`), lookup.blocked(jid)),
    };
    const loaded = await loadPeerLookup('me@x', 'x', rosters['me@x']!, loader);
    assert.deepEqual(presencePeers('me@x', 'x', loaded), presencePeers('me@x', 'x', lookup));
    assert.deepEqual(
      asked.sort(),
      [
        'blocked me@x',
        ...['asker@x', 'blocked@x', 'blocker@x', 'both@x', 'from@x', 'stale@x', 'to@x'].map((jid) => `blocked ${jid}`),
        ...['blocked@x', 'blocker@x', 'both@x', 'stale@x', 'to@x'].map((jid) => `roster ${jid}`),
      ].sort(),
    );
  });
});
