import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientFastTokenRow, ClientRow, ClientSessionRow } from './client-listing.table.ts';
import { toListing } from './listing.ts';

const jid = 'juliet@capulet.lit';
const now = new Date('2025-03-01T12:00:00.000Z');
const at = (minute: number) => new Date(`2025-03-01T11:${String(minute).padStart(2, '0')}:00.000Z`);

const row = (client_id: string, over: Partial<ClientRow> = {}): ClientRow => ({
  jid,
  client_id,
  legacy: false,
  session_seen: true,
  first_seen: at(0),
  last_seen: at(1),
  software: 'Gajim',
  device: null,
  uri: null,
  password_used_at: null,
  fast_used_at: null,
  password_changed_at: null,
  grant_id: null,
  grant_created_at: null,
  revoked_at: null,
  last_ended_at: null,
  last_status: null,
  ...over,
});
const session = (client_id: string, full_jid: string | null): ClientSessionRow => ({ jid, client_id, session_id: `s-${client_id}`, full_jid, established_at: null });
const token = (client_id: string, issued: Date, expires: Date): ClientFastTokenRow => ({ jid, client_id, token_id: `t-${client_id}`, issued_at: issued, expires_at: expires });

describe('toListing (docs/client-management.md)', () => {
  it('lists a password client with its user agent, ids as the protocol names them', () => {
    assert.deepEqual(toListing([row('phone', { password_used_at: at(1), device: 'Pixel' })], [], [], now), [
      {
        id: 'client/phone',
        clientId: 'phone',
        type: 'session',
        connected: false,
        firstSeen: at(0).toISOString(),
        lastSeen: at(1).toISOString(),
        auth: ['password'],
        userAgent: { software: 'Gajim', device: 'Pixel' },
        legacy: false,
        revoked: false,
      },
    ]);
  });

  it('counts a password login only since the last password change', () => {
    assert.deepEqual(toListing([row('a', { password_used_at: at(1), password_changed_at: at(2) })], [], [], now), []);
    assert.equal(toListing([row('a', { password_used_at: at(3), password_changed_at: at(2) })], [], [], now).length, 1);
  });

  it('reports a live grant, and a grant older than the password as none', () => {
    assert.deepEqual(toListing([row('a', { grant_id: 'G', grant_created_at: at(1) })], [], [], now)[0]?.auth, ['grant']);
    assert.deepEqual(toListing([row('a', { grant_id: 'G', grant_created_at: at(1), password_changed_at: at(2) })], [], [], now), []);
  });

  it('reports fast while a valid token is held: unexpired, issued since the password change', () => {
    const valid = token('a', at(1), new Date('2025-03-02T00:00:00Z'));
    assert.deepEqual(toListing([row('a')], [], [valid], now)[0]?.auth, ['fast']);
    assert.deepEqual(toListing([row('a')], [], [token('a', at(1), now)], now), [], 'void at its expiry instant');
    assert.deepEqual(toListing([row('a', { password_changed_at: at(2) })], [], [valid], now), []);
  });

  it('is connected while a session is bound, not merely authenticated', () => {
    assert.deepEqual(toListing([row('a')], [session('a', null)], [], now), []);
    assert.equal(toListing([row('a')], [session('a', `${jid}/x`)], [], now)[0]?.connected, true);
  });

  it('lists a client only granted access as grant/<id>, type access', () => {
    const [entry] = toListing([row('app', { session_seen: false, grant_id: 'GRANT', grant_created_at: at(1) })], [], [], now);
    assert.equal(entry?.id, 'grant/GRANT');
    assert.equal(entry?.type, 'access');
  });

  it('orders by last seen, then first seen, then id', () => {
    const listed = toListing(
      [
        row('b', { password_used_at: at(1), last_seen: at(5) }),
        row('a', { password_used_at: at(1), last_seen: at(5) }),
        row('c', { password_used_at: at(1), last_seen: at(5), first_seen: at(0) }),
        row('d', { password_used_at: at(1), last_seen: at(2), first_seen: at(2) }),
      ].map((client) => (client.client_id === 'c' ? client : { ...client, first_seen: client.client_id === 'd' ? at(2) : at(1) })),
      [],
      [],
      now,
    );
    assert.deepEqual(listed.map((entry) => entry.id), ['client/d', 'client/c', 'client/a', 'client/b']);
  });
});
