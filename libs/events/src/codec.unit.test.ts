import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createEvent,
  decodeEvent,
  encodeEvent,
  eventTypes,
  MalformedEventError,
  namesFor,
  parseEvent,
  type EventDataMap,
  type EventType,
} from './index.ts';

const names = namesFor('gatehouse');
const sid = 'AAAAAAAAAAAAAAAAAAAAAA';
const credential = { salt: 'c2FsdA==', iterations: 4096, storedKey: 'c3RvcmVk', serverKey: 'c2VydmVy' };
const credentials = { 'SCRAM-SHA-1': credential, 'SCRAM-SHA-256': credential };
const clientId = '8d1f6c2e-6f3b-4b7e-9c55-0b1c9e0f4a11';
const grantId = 'BBBBBBBBBBBBBBBBBBBBBB';
const tokenId = 'CCCCCCCCCCCCCCCCCCCCCC';
const tokenHash = 'a'.repeat(64);
const expiresAt = '2025-02-21T10:15:00.000Z';
const nurse = { jid: 'nurse@capulet.lit', name: 'Nurse', groups: ['Servants'] };

// Typed per event type: adding a type to the catalog fails compilation until it has a sample.
const samples: EventDataMap = {
  'gatehouse.account.created.v1': { jid: 'juliet@capulet.lit', credentials },
  'gatehouse.account.password-changed.v1': { jid: 'juliet@capulet.lit', credentials },
  'gatehouse.account.deleted.v1': { jid: 'juliet@capulet.lit' },
  'gatehouse.session.established.v1': {
    sessionId: sid,
    replica: 'gw-1',
    jid: 'juliet@capulet.lit/balcony',
    transport: 'tls',
    clientIp: '::ffff:127.0.0.1',
    openedAt: '2025-02-21T10:14:59.000Z',
    mechanism: 'SCRAM-SHA-256',
    method: 'password',
    clientId,
    legacy: false,
    userAgent: { software: 'Dino', device: 'laptop' },
  },
  'gatehouse.session.stream-opened.v1': {
    sessionId: sid,
    replica: 'gw-1',
    transport: 'tls',
    clientIp: '::ffff:127.0.0.1',
    to: 'capulet.lit',
  },
  'gatehouse.session.authentication-succeeded.v1': {
    sessionId: sid,
    jid: 'juliet@capulet.lit',
    mechanism: 'SCRAM-SHA-256',
    clientIp: '127.0.0.1',
    method: 'password',
    clientId: '5d4f0b57-2f3c-4bd6-9d1a-0c3c8f2b9e11',
    userAgent: { software: 'Gajim', device: 'laptop' },
  },
  'gatehouse.session.authentication-failed.v1': {
    sessionId: sid,
    username: 'juliet',
    mechanism: 'PLAIN',
    clientIp: '2001:db8::1',
    condition: 'not-authorized',
  },
  'gatehouse.session.resource-bound.v1': { sessionId: sid, jid: 'juliet@capulet.lit/balcony', replica: 'gw-1' },
  'gatehouse.session.ended.v1': { sessionId: sid, jid: 'juliet@capulet.lit/balcony', reason: 'closed-by-client' },
  'gatehouse.session.stream-closed.v1': { sessionId: sid, reason: 'closed-by-client', streamError: 'conflict' },
  'gatehouse.grant.created.v1': {
    jid: 'juliet@capulet.lit',
    clientId,
    grantId,
    authenticatedBy: 'password',
    userAgent: { software: 'Conversations', device: 'Pixel 8' },
  },
  'gatehouse.grant.used.v1': { jid: 'juliet@capulet.lit', clientId, grantId, authenticatedBy: 'fast' },
  'gatehouse.grant.revoked.v1': { jid: 'juliet@capulet.lit', clientId, grantId, reason: 'password-changed' },
  'gatehouse.fast-token.issued.v1': { jid: 'juliet@capulet.lit', clientId, tokenId, grantId, mechanism: 'HT-SHA-256-NONE', tokenHash, expiresAt },
  'gatehouse.fast-token.rotated.v1': {
    jid: 'juliet@capulet.lit',
    clientId,
    tokenId,
    grantId,
    mechanism: 'HT-SHA-256-ENDP',
    tokenHash,
    expiresAt,
    replacesTokenId: grantId,
  },
  'gatehouse.fast-token.used.v1': { jid: 'juliet@capulet.lit', clientId, tokenId, mechanism: 'HT-SHA-256-NONE', count: 3 },
  'gatehouse.fast-token.invalidated.v1': { jid: 'juliet@capulet.lit', clientId, tokenId, reason: 'superseded' },
  'gatehouse.roster.item-set.v1': { owner: 'juliet@capulet.lit', version: 1, item: { ...nurse, subscription: 'none', ask: false, approved: false } },
  'gatehouse.roster.item-removed.v1': { owner: 'juliet@capulet.lit', version: 2, jid: 'nurse@capulet.lit' },
  'gatehouse.roster.subscription-changed.v1': {
    owner: 'juliet@capulet.lit',
    version: 3,
    direction: 'inbound',
    presence: 'subscribe',
    item: { ...nurse, subscription: 'to', ask: false, approved: false },
    onRoster: true,
    itemChanged: false,
    pendingIn: true,
    request: "<presence xmlns='jabber:client' type='subscribe' from='nurse@capulet.lit'/>",
  },
  'gatehouse.roster.synced.v1': { owner: 'juliet@capulet.lit', version: 4, set: [{ ...nurse, subscription: 'both', ask: false, approved: false }], removed: ['romeo@montague.lit'] },
  'gatehouse.roster.cleared.v1': { owner: 'juliet@capulet.lit', version: 5, removed: ['nurse@capulet.lit'], reason: 'account-deleted' },
  'gatehouse.blocklist.blocked.v1': { owner: 'juliet@capulet.lit', jids: ['tybalt@capulet.lit'] },
  'gatehouse.blocklist.unblocked.v1': { owner: 'juliet@capulet.lit', jids: ['tybalt@capulet.lit'], all: true },
  'gatehouse.client.authenticated.v1': {
    jid: 'juliet@capulet.lit',
    clientId,
    sessionId: sid,
    legacy: false,
    mechanism: 'SCRAM-SHA-256',
    method: 'password',
    userAgent: { software: 'Gajim', device: 'laptop' },
  },
  'gatehouse.client.session-bound.v1': { jid: 'juliet@capulet.lit', clientId, sessionId: sid, fullJid: 'juliet@capulet.lit/balcony' },
  'gatehouse.client.session-ended.v1': { jid: 'juliet@capulet.lit', clientId, sessionId: sid },
  'gatehouse.client.granted.v1': { jid: 'juliet@capulet.lit', clientId, grantId, authenticatedBy: 'password' },
  'gatehouse.client.grant-used.v1': { jid: 'juliet@capulet.lit', clientId, grantId },
  'gatehouse.client.grant-revoked.v1': { jid: 'juliet@capulet.lit', clientId, grantId, reason: 'revoked-by-user' },
  'gatehouse.client.fast-token-issued.v1': { jid: 'juliet@capulet.lit', clientId, tokenId, expiresAt },
  'gatehouse.client.fast-token-invalidated.v1': { jid: 'juliet@capulet.lit', clientId, tokenId },
  'gatehouse.client.password-changed.v1': { jid: 'juliet@capulet.lit', clientId },
  'gatehouse.client.forgotten.v1': { jid: 'juliet@capulet.lit', clientId, reason: 'account-deleted' },
  'gatehouse.client.revoked.v1': {
    jid: 'juliet@capulet.lit',
    clientId,
    fullJids: ['juliet@capulet.lit/balcony'],
    grantId,
    reason: 'revoked-by-user',
  },
  'gatehouse.client.seen.v1': { jid: 'juliet@capulet.lit', clientId, sessionId: sid, change: 'first-seen', legacy: false, mechanism: 'SCRAM-SHA-256', method: 'password' },
  'gatehouse.control.access-cut.v1': {
    jid: 'juliet@capulet.lit',
    reason: 'client-revoked',
    clientId,
    fullJids: ['juliet@capulet.lit/balcony'],
    cause: { type: 'gatehouse.client.revoked.v1', id: '01JMQ6Y7Z8X9W0V1U2T3S4R5Q6' },
  },
};

function sample<Type extends EventType>(type: Type) {
  return createEvent(type, { subject: names.subjects.session(sid), source: 'gatehouse/test', data: samples[type] });
}

const valid = () => JSON.parse(JSON.stringify(sample('gatehouse.account.deleted.v1'))) as Record<string, unknown>;

describe('createEvent', () => {
  it('fills the envelope: specversion, random UUID id, ISO time, content type', () => {
    const event = sample('gatehouse.account.deleted.v1');
    assert.equal(event.specversion, '1.0');
    assert.equal(event.datacontenttype, 'application/json');
    assert.match(event.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(event.id, sample('gatehouse.account.deleted.v1').id);
    assert.ok(!Number.isNaN(Date.parse(event.time)));
    assert.equal('traceparent' in event, false);
  });

  it('keeps a given id, time and traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const event = createEvent('gatehouse.account.deleted.v1', {
      subject: names.subjects.account('juliet@capulet.lit'),
      source: 'gatehouse/token',
      data: { jid: 'juliet@capulet.lit' },
      id: 'delete-juliet',
      time: new Date('2024-01-02T03:04:05.000Z'),
      traceparent,
    });
    assert.equal(event.id, 'delete-juliet');
    assert.equal(event.time, '2024-01-02T03:04:05.000Z');
    assert.equal(event.traceparent, traceparent);
  });

  it('rejects data its schema rejects', () => {
    assert.throws(
      () =>
        createEvent('gatehouse.account.deleted.v1', {
          subject: 's',
          source: 'x',
          data: { jid: 'not a jid' },
        }),
      MalformedEventError,
    );
  });
});

describe('encode/decode', () => {
  for (const type of eventTypes) {
    it(`round-trips ${type}`, () => {
      const event = sample(type);
      assert.deepEqual(decodeEvent(encodeEvent(event)), event);
      assert.deepEqual(parseEvent(JSON.parse(JSON.stringify(event))), event);
    });
  }
});

describe('malformed events are rejected with code malformed-event', () => {
  const rejects = (name: string, input: () => unknown, message: RegExp) =>
    it(name, () => {
      assert.throws(
        () => parseEvent(input()),
        (error: unknown) => error instanceof MalformedEventError && error.code === 'malformed-event' && message.test(error.message),
      );
    });

  it('bad JSON', () => {
    assert.throws(() => decodeEvent(new TextEncoder().encode('{"specversion":')), MalformedEventError);
  });
  it('invalid UTF-8', () => {
    assert.throws(() => decodeEvent(new Uint8Array([0x7b, 0xff, 0x7d])), MalformedEventError);
  });
  rejects('not an object', () => 'hello', /envelope/);
  rejects('null', () => null, /envelope/);
  for (const field of ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype']) {
    rejects(`missing ${field}`, () => {
      const event = valid();
      delete event[field];
      return event;
    }, new RegExp(field));
  }
  rejects('wrong specversion', () => ({ ...valid(), specversion: '0.3' }), /specversion/);
  rejects('wrong content type', () => ({ ...valid(), datacontenttype: 'text/plain' }), /datacontenttype/);
  rejects('time not ISO', () => ({ ...valid(), time: 'yesterday' }), /time/);
  rejects('bad traceparent', () => ({ ...valid(), traceparent: 'abc' }), /traceparent/);
  rejects('unknown type', () => ({ ...valid(), type: 'gatehouse.account.renamed.v1' }), /unknown event type/);
  rejects('known type, older version', () => ({ ...valid(), type: 'gatehouse.account.deleted.v0' }), /unknown event type/);
  rejects('missing data', () => ({ ...valid(), data: undefined }), /invalid data/);
  rejects('data of another type', () => ({ ...valid(), type: 'gatehouse.account.created.v1' }), /credentials/);
  rejects('data with a wrong field type', () => ({ ...valid(), data: { jid: 42 } }), /jid/);
  rejects(
    'session event with a bad session id',
    () => ({ ...JSON.parse(JSON.stringify(sample('gatehouse.session.ended.v1'))), data: { ...samples['gatehouse.session.ended.v1'], sessionId: 'a.b' } }),
    /sessionId/,
  );
  rejects(
    'bad client IP',
    () => ({
      ...JSON.parse(JSON.stringify(sample('gatehouse.session.stream-opened.v1'))),
      data: { ...samples['gatehouse.session.stream-opened.v1'], clientIp: '999.1.1.1' },
    }),
    /clientIp/,
  );
  rejects(
    'unknown transport',
    () => ({
      ...JSON.parse(JSON.stringify(sample('gatehouse.session.stream-opened.v1'))),
      data: { ...samples['gatehouse.session.stream-opened.v1'], transport: 'bosh' },
    }),
    /transport/,
  );
  rejects(
    'SCRAM credential that is not base64',
    () => ({
      ...JSON.parse(JSON.stringify(sample('gatehouse.account.created.v1'))),
      data: { jid: 'juliet@capulet.lit', credentials: { ...credentials, 'SCRAM-SHA-256': { ...credential, storedKey: 'not base64!' } } },
    }),
    /storedKey/,
  );
  rejects(
    'iterations not an integer',
    () => ({
      ...JSON.parse(JSON.stringify(sample('gatehouse.account.created.v1'))),
      data: { jid: 'juliet@capulet.lit', credentials: { ...credentials, 'SCRAM-SHA-1': { ...credential, iterations: 0.5 } } },
    }),
    /iterations/,
  );
  const tokenEvent = (type: 'gatehouse.fast-token.issued.v1' | 'gatehouse.fast-token.invalidated.v1', data: Record<string, unknown>) => ({
    ...JSON.parse(JSON.stringify(sample(type))),
    data: { ...samples[type], ...data },
  });
  rejects('token hash that is not hex SHA-256', () => tokenEvent('gatehouse.fast-token.issued.v1', { tokenHash: 'abc' }), /tokenHash/);
  rejects('mechanism outside the HT family', () => tokenEvent('gatehouse.fast-token.issued.v1', { mechanism: 'PLAIN' }), /mechanism/);
  rejects('unknown invalidation reason', () => tokenEvent('gatehouse.fast-token.invalidated.v1', { reason: 'bored' }), /reason/);
  rejects('token id of the wrong shape', () => tokenEvent('gatehouse.fast-token.invalidated.v1', { tokenId: 'a.b' }), /tokenId/);
  rejects(
    'revocation reason that is not kebab-case',
    () => ({
      ...JSON.parse(JSON.stringify(sample('gatehouse.grant.revoked.v1'))),
      data: { ...samples['gatehouse.grant.revoked.v1'], reason: 'Password Changed' },
    }),
    /reason/,
  );
  rejects('bare JID where a full one is required', () => ({
    ...JSON.parse(JSON.stringify(sample('gatehouse.session.resource-bound.v1'))),
    data: { ...samples['gatehouse.session.resource-bound.v1'], jid: 'juliet@capulet.lit' },
  }), /jid/);
});
