import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { NS_BIND, NS_CLIENT, NS_SASL, NS_SASL2, NS_SESSION, NS_TLS } from '@gatehouse/xmpp';
import { PresenceState } from './presence.ts';
import { authenticatedStep, authenticatingStep, beforeTlsStep, boundStep } from './stream-rules.ts';
import * as stream from './stream-state.ts';

const login: stream.Login = { mechanism: 'SCRAM-SHA-256', method: 'password' };
const presence = new PresenceState({} as never, {} as never);
const origin: stream.Origin = { transport: 'tls', clientIp: '192.0.2.7', openedAt: '2026-12-07T10:00:00.000Z' };
const client: stream.BoundClient = { clientId: 'Xy12-ab_CdEf', legacy: true };
const beforeTls = () => stream.initialState(true, origin) as stream.BeforeTls;
const authenticating = () => stream.initialState(false, origin) as stream.Authenticating;
const authenticated = () => stream.authenticated(authenticating(), 'juliet@localhost', login, true);
const bound = () => stream.bound(authenticated(), client, 'juliet@localhost/balcony', 7, presence);

const message = (attrs: Record<string, string> = {}) => xml('message', { xmlns: NS_CLIENT, to: 'romeo@localhost', ...attrs }, xml('body', {}, 'hi'));
const bindIq = () => xml('iq', { xmlns: NS_CLIENT, type: 'set', id: 'b1' }, xml('bind', { xmlns: NS_BIND }));
const starttls = () => xml('starttls', { xmlns: NS_TLS });

describe('stream state: before TLS (RFC 6120 §5)', () => {
  it('is where a connection on the STARTTLS port starts; direct TLS and WebSocket start authenticating', () => {
    assert.equal(stream.initialState(true, origin).kind, 'before-tls');
    assert.equal(stream.initialState(false, origin).kind, 'authenticating');
  });

  it('allows STARTTLS, refuses SASL with encryption-required, and anything else ends the stream', () => {
    assert.equal(beforeTlsStep(starttls()), 'starttls');
    assert.equal(beforeTlsStep(xml('auth', { xmlns: NS_SASL, mechanism: 'PLAIN' })), 'auth-before-tls');
    assert.equal(beforeTlsStep(message()), 'tls-required');
    assert.equal(beforeTlsStep(bindIq()), 'tls-required');
  });

  it('moves to authenticating on a new stream once TLS is up, keeping the failed attempts', () => {
    const state = beforeTls();
    state.failures = 2;
    const next = stream.tlsEstablished(state);
    assert.deepEqual({ kind: next.kind, header: next.header, failures: next.failures }, { kind: 'authenticating', header: 'restarting', failures: 2 });
    assert.equal(stream.headerOf(next), 'restarting');
  });
});

describe('stream state: authenticating (RFC 6120 §6)', () => {
  it('refuses STARTTLS on a protected stream', () => {
    assert.equal(authenticatingStep(stream.tlsEstablished(beforeTls()), starttls(), true), 'starttls-again');
  });

  it('refuses binding and stanzas before authentication', () => {
    assert.equal(authenticatingStep(authenticating(), bindIq(), true), 'auth-required');
    assert.equal(authenticatingStep(authenticating(), message(), true), 'auth-required');
  });

  it('hands SASL to legacy SASL, and SASL2 only where it is offered', () => {
    assert.equal(authenticatingStep(authenticating(), xml('auth', { xmlns: NS_SASL }), false), 'sasl');
    assert.equal(authenticatingStep(authenticating(), xml('authenticate', { xmlns: NS_SASL2 }), true), 'sasl2');
    assert.equal(authenticatingStep(authenticating(), xml('authenticate', { xmlns: NS_SASL2 }), false), 'auth-required');
  });

  it('keeps a restart due after legacy SASL (§6.4.6) and none after SASL2', () => {
    assert.equal(stream.authenticated(authenticating(), 'juliet@localhost', login, true).header, 'restarting');
    assert.equal(stream.authenticated(authenticating(), 'juliet@localhost', login, false).header, 'open');
  });
});

describe('stream state: authenticated, not bound (RFC 6120 §7)', () => {
  it('routes no stanza before a resource is bound', () => {
    assert.equal(authenticatedStep(authenticated(), message()), 'bind-required');
    assert.equal(authenticatedStep(authenticated(), xml('presence', { xmlns: NS_CLIENT })), 'bind-required');
  });

  it('binds, and answers RFC 3921 <session/>', () => {
    assert.equal(authenticatedStep(authenticated(), bindIq()), 'bind');
    assert.equal(authenticatedStep(authenticated(), xml('iq', { xmlns: NS_CLIENT, type: 'set' }, xml('session', { xmlns: NS_SESSION }))), 'session');
  });

  it('refuses a from other than the account, and what is not a stanza', () => {
    assert.equal(authenticatedStep(authenticated(), message({ from: 'juliet@localhost' })), 'bind-required');
    assert.equal(authenticatedStep(authenticated(), message({ from: 'romeo@localhost' })), 'invalid-from');
    assert.equal(authenticatedStep(authenticated(), xml('auth', { xmlns: NS_SASL })), 'not-a-stanza');
  });

  it('has a bare JID and a login, and no full JID', () => {
    const state = authenticated();
    assert.equal(stream.authenticatedPart(state)?.bareJid, 'juliet@localhost');
    assert.equal(stream.authenticatedPart(state)?.login, login);
    assert.equal(stream.boundPart(state), undefined);
  });
});

describe('stream state: bound (RFC 6120 §8)', () => {
  it('routes stanzas, keeps its own presence, and refuses a second resource', () => {
    assert.equal(boundStep(bound(), message()), 'route');
    assert.equal(boundStep(bound(), message({ from: 'juliet@localhost/balcony' })), 'route');
    assert.equal(boundStep(bound(), xml('presence', { xmlns: NS_CLIENT })), 'presence');
    assert.equal(boundStep(bound(), xml('presence', { xmlns: NS_CLIENT, to: 'romeo@localhost', type: 'subscribe' })), 'route');
    assert.equal(boundStep(bound(), bindIq()), 'rebind');
  });

  it('refuses a from of another resource', () => {
    assert.equal(boundStep(bound(), message({ from: 'juliet@localhost/garden' })), 'invalid-from');
  });

  it('carries the full JID and the route revision, with the login it was authenticated by', () => {
    const state = bound();
    assert.deepEqual({ fullJid: state.fullJid, bareJid: state.bareJid, routeRevision: state.routeRevision, login: state.login }, { fullJid: 'juliet@localhost/balcony', bareJid: 'juliet@localhost', routeRevision: 7, login });
    assert.equal(stream.headerOf(state), 'open');
  });

  it('carries what session.established reports: where the stream came from, through TLS and SASL, and the client it was named', () => {
    const state = stream.bound(stream.authenticated(stream.tlsEstablished(beforeTls()), 'juliet@localhost', login, true), client, 'juliet@localhost/balcony', 7, presence);
    assert.equal(state.origin, origin);
    assert.deepEqual({ clientId: state.clientId, legacy: state.legacy }, client);
  });
});

describe('stream state: closing (RFC 6120 §4.4)', () => {
  it('keeps what was bound, for the teardown', () => {
    const state = bound();
    const closing = stream.closing(state);
    assert.equal(stream.boundPart(closing), state);
    assert.equal(stream.authenticatedPart(closing)?.bareJid, 'juliet@localhost');
  });

  it('keeps nothing of a stream that never authenticated', () => {
    assert.equal(stream.closing(beforeTls()).was, undefined);
    assert.equal(stream.authenticatedPart(stream.closing(authenticating())), undefined);
  });

  it('closing again keeps what the first close saw', () => {
    const closing = stream.closing(bound());
    assert.equal(stream.closing(closing), closing);
  });
});

describe('stream state: the response header', () => {
  it('is new on a connection, open once answered, owed again after a restart', () => {
    const state = beforeTls();
    assert.equal(stream.headerOf(state), 'new');
    stream.headerAnswered(state);
    assert.equal(stream.headerOf(state), 'open');
    const legacy = stream.authenticated(authenticating(), 'juliet@localhost', login, true);
    assert.equal(stream.headerOf(legacy), 'restarting');
    stream.headerAnswered(legacy);
    assert.equal(stream.headerOf(legacy), 'open');
  });
});

describe('stream state: transitions the types rule out', () => {
  it('has no way to bind before authentication, authenticate before TLS, or start TLS twice', () => {
    // Checked by the compiler (npx tsc): each line below must fail to type-check.
    const impossible = [
      // @ts-expect-error a resource is bound only on an authenticated stream (§7.1)
      () => stream.bound(authenticating(), client, 'juliet@localhost/balcony', 1, presence),
      // @ts-expect-error SASL comes after TLS on the STARTTLS port (§5.3.1)
      () => stream.authenticated(beforeTls(), 'juliet@localhost', login, true),
      // @ts-expect-error STARTTLS only once (§5.4.2.2)
      () => stream.tlsEstablished(authenticating()),
      // @ts-expect-error a bound stream is not bound again
      () => stream.bound(bound(), client, 'juliet@localhost/garden', 1, presence),
    ];
    assert.equal(impossible.length, 4);
  });
});
