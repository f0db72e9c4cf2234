/**
 * What happens around the sessions: the events they leave on JetStream (catalog v2: two
 * per login), access cuts closing live sessions on every replica, a replica dying, NATS
 * going away.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { appendEvent, legacyClientIds, openKv, readAggregate, request } from '@gatehouse/bus';
import { createEvent, namesFor, type ControlAccessCutData, type GatehouseEvent, type SessionEndedData, type SessionEstablishedData } from '@gatehouse/events';
import { RawXmppClient, startNatsServer, NatsServerNotFoundError, waitFor } from '@gatehouse/testing';
import { connectClient, xml, type ConnectedClient } from './test-support/xmpp-client.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';


function closedWith(client: ConnectedClient): Promise<string> {
  return new Promise((resolve) => {
    client.xmpp.on('error', (error: { condition?: string }) => resolve(error.condition ?? 'error'));
    client.xmpp.on('offline', () => resolve('offline'));
  });
}

describe('session events and control across replicas', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack({ gateways: 2 });
  });
  after(() => stack.stop());

  const service = (gateway: number) => `xmpp://127.0.0.1:${stack.gateways[gateway]!.ports.c2s}`;

  const names = () => namesFor(stack.ns);
  const sessionEvents = async () => (await readAggregate(stack.nc, names().streams.sessions, names().subjects.sessions)).events as GatehouseEvent[];

  /** Legacy SASL PLAIN (RFC 6120 §6) on the STARTTLS port, then RFC 6120 §7 binding of `resource` unless none is given. */
  async function legacyLogin(user: string, resource?: string) {
    const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
    await client.expect(/<success/);
    client.open();
    await client.expect(/<\/stream:features>/);
    if (resource !== undefined) {
      client.send(`<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${resource}</resource></bind></iq>`);
      await client.expect(/<\/iq>/);
    }
    return client;
  }

  /** Every event stored for the sessions established at `fullJids`, once each has ended; by full JID. */
  async function eventsOfSessions(fullJids: string[]): Promise<Map<string, GatehouseEvent[]>> {
    return waitFor(async () => {
      const events = await sessionEvents();
      const subjects = new Map<string, string>();
      for (const event of events) {
        if (event.type === 'gatehouse.session.established.v1' && fullJids.includes(event.data.jid)) subjects.set(event.data.jid, event.subject);
      }
      const bySession = new Map(fullJids.map((jid) => [jid, events.filter((event) => event.subject === subjects.get(jid))]));
      const ended = [...bySession.values()].every((list) => list.some((event) => event.type === 'gatehouse.session.ended.v1'));
      return subjects.size === fullJids.length && ended ? bySession : undefined;
    });
  }

  it('stores exactly two events for a login, established and ended: SASL2 with Bind 2 and legacy SASL with RFC 6120 binding', async () => {
    const user = uniqueUser();
    const bareJid = await stack.createAccount(user, 'pw');
    const modern = await connectClient({ service: service(0), username: user, password: 'pw', clientId: 'count-me' });
    await modern.stop();
    const legacy = await legacyLogin(user, 'desk');
    legacy.send('</stream:stream>');
    await legacy.waitClosed();
    const legacyJid = `${bareJid}/desk`;

    const bySession = await eventsOfSessions([modern.jid, legacyJid]);
    for (const [jid, events] of bySession) {
      assert.deepEqual(events.map((event) => event.type), ['gatehouse.session.established.v1', 'gatehouse.session.ended.v1'], jid);
    }
    const [modernEstablished, modernEnded] = bySession.get(modern.jid)! as [GatehouseEvent & { data: SessionEstablishedData }, GatehouseEvent & { data: SessionEndedData }];
    assert.equal(modernEstablished.data.sessionId, modernEnded.data.sessionId);
    assert.deepEqual(
      { clientId: modernEstablished.data.clientId, legacy: modernEstablished.data.legacy, method: modernEstablished.data.method, transport: modernEstablished.data.transport, replica: modernEstablished.data.replica, userAgent: modernEstablished.data.userAgent },
      { clientId: 'count-me', legacy: false, method: 'password', transport: 'tcp', replica: 'gw0', userAgent: { software: 'gatehouse-tests', device: 'ci' } },
    );
    assert.ok(modernEstablished.data.mechanism.length > 0);
    assert.ok(Date.parse(modernEstablished.data.openedAt) <= Date.parse(modernEstablished.time), 'opened before it was established');
    assert.deepEqual({ reason: modernEnded.data.reason, clientId: modernEnded.data.clientId, streamError: modernEnded.data.streamError }, { reason: 'closed-by-client', clientId: 'count-me', streamError: undefined });

    // A client without a <user-agent id> is named by its full JID, in the bucket client-registry has always used.
    const [legacyEstablished, legacyEnded] = bySession.get(legacyJid)! as [GatehouseEvent & { data: SessionEstablishedData }, GatehouseEvent & { data: SessionEndedData }];
    const named = await legacyClientIds(await openKv(stack.nc, names().buckets.legacyClients)).find(legacyJid);
    assert.match(named ?? '', /^[A-Za-z0-9_-]{12}$/);
    assert.deepEqual(
      { clientId: legacyEstablished.data.clientId, legacy: legacyEstablished.data.legacy, mechanism: legacyEstablished.data.mechanism, method: legacyEstablished.data.method, userAgent: legacyEstablished.data.userAgent },
      { clientId: named, legacy: true, mechanism: 'PLAIN', method: 'password', userAgent: undefined },
    );
    assert.equal(legacyEnded.data.clientId, named);

    // Same full JID, same client: the next legacy login is known by the same id.
    const again = await legacyLogin(user, 'desk');
    again.send('</stream:stream>');
    await again.waitClosed();
    const later = await waitFor(async () => {
      const events = (await sessionEvents()).filter((event) => event.type === 'gatehouse.session.established.v1' && event.data.jid === legacyJid);
      return events.length === 2 ? events : undefined;
    });
    assert.equal((later[1]!.data as SessionEstablishedData).clientId, named);
  });

  /** Session events stored after the first `before`, once a marker login has closed; the marker's own left out. */
  async function eventsBeforeMarker(before: number): Promise<GatehouseEvent[]> {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const marker = await connectClient({ service: service(0), username: user, password: 'pw', resource: 'marker' });
    await marker.stop();
    const isMarkerEnd = (e: GatehouseEvent) => e.type === 'gatehouse.session.ended.v1' && e.data.jid.startsWith(`${user}@`);
    const events = await waitFor(async () => {
      const events = await sessionEvents();
      return events.some(isMarkerEnd) ? events : undefined;
    });
    const markerSubject = events.find(isMarkerEnd)!.subject;
    return events.slice(before).filter((e) => e.subject !== markerSubject);
  }

  async function storedSessionEvents(): Promise<number> {
    return (await sessionEvents()).length;
  }

  it('stores no event for a connection that never authenticates (connect, open a stream, close)', async () => {
    const before = await storedSessionEvents();
    for (const port of [stack.gateways[0]!.ports.c2s, stack.gateways[0]!.ports.c2sTls]) {
      const client = await RawXmppClient.connect(port, { tls: port === stack.gateways[0]!.ports.c2sTls });
      client.open();
      await client.expect(/<\/stream:features>/);
      client.send('</stream:stream>');
      await client.waitClosed();
    }
    const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
    client.send('</stream:stream>');
    await client.waitClosed();
    assert.deepEqual((await eventsBeforeMarker(before)).map((e) => e.type), []);
  });

  it('stores no event for a stream that authenticates and closes before binding a resource', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const before = await storedSessionEvents();
    const client = await legacyLogin(user);
    client.send('</stream:stream>');
    await client.waitClosed();
    assert.deepEqual((await eventsBeforeMarker(before)).map((e) => e.type), []);
  });

  it('stores exactly one event, authentication-failed, for a stream whose login fails', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const before = await storedSessionEvents();
    const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, 'wrong')}</auth>`);
    await client.expect(/<failure/);
    client.send('</stream:stream>');
    await client.waitClosed();
    const events = await eventsBeforeMarker(before);
    assert.deepEqual(events.map((e) => e.type), ['gatehouse.session.authentication-failed.v1']);
    assert.equal((events[0]!.data as { username?: string }).username, user);
  });

  it('gives the streams their configured limits (the defaults here)', async () => {
    const jsm = await jetstream(stack.nc).jetstreamManager();
    const names = namesFor(stack.ns);
    const sessions = (await jsm.streams.info(names.streams.sessions)).config;
    assert.deepEqual([sessions.discard, sessions.max_age, sessions.max_bytes], ['old', 90 * 86_400 * 1e9, 1024 ** 3]);
    const accounts = (await jsm.streams.info(names.streams.accounts)).config;
    assert.deepEqual([accounts.discard, accounts.max_age, accounts.max_msgs], ['new', 0, 10_000_000]);
  });

  it('closes every session of a deleted account on every replica, and the login then fails', async () => {
    const user = uniqueUser();
    const jid = await stack.createAccount(user, 'pw');
    const one = await connectClient({ service: service(0), username: user, password: 'pw', resource: 'one' });
    const two = await connectClient({ service: service(1), username: user, password: 'pw', resource: 'two' });
    const closed = Promise.all([closedWith(one), closedWith(two)]);
    // A malformed event on the bus is skipped by every consumer, not a crash.
    await jetstream(stack.nc).publish(namesFor(stack.ns).subjects.account(jid), '{"not": "an event"');
    await request(stack.nc, `${stack.ns}.token.account.delete`, { jid });
    assert.deepEqual(await closed, ['not-authorized', 'not-authorized']);
    // The events say why the sessions ended, not only with which stream error.
    const names = namesFor(stack.ns);
    const reasons = await waitFor(async () => {
      const { events } = await readAggregate(stack.nc, names.streams.sessions, names.subjects.sessions);
      const ended = (events as GatehouseEvent[]).filter((event) => event.type === 'gatehouse.session.ended.v1' && [one.jid, two.jid].includes(event.data.jid));
      return ended.length === 2 ? ended.map((event) => (event.data as { reason: string }).reason) : undefined;
    });
    assert.deepEqual(reasons, ['account-deleted', 'account-deleted']);
    await assert.rejects(connectClient({ service: service(1), username: user, password: 'pw' }), (e: { condition?: string }) => e.condition === 'not-authorized');
  });

  it('closes live sessions when the password changes', async () => {
    const user = uniqueUser();
    const jid = await stack.createAccount(user, 'old');
    const client = await connectClient({ service: service(1), username: user, password: 'old' });
    const closed = closedWith(client);
    await request(stack.nc, `${stack.ns}.token.account.password`, { jid, password: 'new' });
    assert.equal(await closed, 'reset');
    const again = await connectClient({ service: service(0), username: user, password: 'new' });
    await again.stop();
  });

  /** Appends an access-cut to the control stream as the deciding service does. */
  async function publishAccessCut(data: Omit<ControlAccessCutData, 'cause'>): Promise<void> {
    const causeId = `test-${Math.random().toString(36).slice(2)}`;
    const event = createEvent('gatehouse.control.access-cut.v1', {
      subject: names().subjects.control(data.jid),
      source: 'gatehouse/tests',
      data: { ...data, cause: { type: 'gatehouse.client.revoked.v1', id: causeId } },
    });
    await appendEvent(stack.nc, { ...event, id: `access-cut:${causeId}` });
  }

  it("closes a revoked client's sessions on every replica on an access-cut, by client id or full JID, and no other", async () => {
    const user = uniqueUser();
    const bareJid = await stack.createAccount(user, 'pw');
    // Bind 2 gives one client the same resource everywhere: one phone session, on the second replica.
    const phone = await connectClient({ service: service(1), username: user, password: 'pw', clientId: 'phone' });
    const laptop = await connectClient({ service: service(0), username: user, password: 'pw', clientId: 'laptop' });
    const legacy = await legacyLogin(user, 'old-desk');
    const closed = closedWith(phone);
    await publishAccessCut({ jid: bareJid, reason: 'client-revoked', clientId: 'phone', fullJids: [`${bareJid}/old-desk`] });
    assert.equal(await closed, 'reset');
    await legacy.expect(/<reset[\s\S]*access revoked[\s\S]*<\/stream:stream>/);
    await legacy.waitClosed();
    const reasons = await waitFor(async () => {
      const ended = (await sessionEvents()).filter((event) => event.type === 'gatehouse.session.ended.v1' && event.data.jid.startsWith(`${bareJid}/`));
      return ended.length === 2 ? ended.map((event) => [(event.data as SessionEndedData).reason, (event.data as SessionEndedData).streamError]) : undefined;
    });
    assert.deepEqual(reasons, [['client-revoked', 'reset'], ['client-revoked', 'reset']]);
    // The laptop is untouched.
    await laptop.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), undefined, 5_000);
    await laptop.stop();
  });

  it('closes every session of an account on an access-cut for a deleted account (not-authorized) or a changed password (reset)', async () => {
    for (const [reason, condition] of [['account-deleted', 'not-authorized'], ['password-changed', 'reset']] as const) {
      const user = uniqueUser();
      const bareJid = await stack.createAccount(user, 'pw');
      const one = await connectClient({ service: service(0), username: user, password: 'pw' });
      const two = await connectClient({ service: service(1), username: user, password: 'pw' });
      const closed = Promise.all([closedWith(one), closedWith(two)]);
      await publishAccessCut({ jid: bareJid, reason });
      assert.deepEqual(await closed, [condition, condition], reason);
    }
  });

  it("removes a killed replica's routes and tells the user's other resources", async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const extra = await stack.startGateway(2);
    const doomed = await connectClient({ service: `xmpp://127.0.0.1:${extra.ports.c2s}`, username: user, password: 'pw', resource: 'doomed' });
    await doomed.xmpp.send(xml('presence'));
    const survivor = await connectClient({ service: service(0), username: user, password: 'pw', resource: 'survivor' });
    await survivor.xmpp.send(xml('presence'));
    await survivor.next((s) => s.is('presence') && s.attrs.from === survivor.jid);
    await extra.stop('SIGKILL');
    const gone = await survivor.next((s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === doomed.jid, 30_000);
    assert.match(gone.attrs.from, new RegExp(`^${user}@localhost/doomed`));
    await survivor.xmpp.send(xml('message', { to: doomed.jid, id: 'x', type: 'normal' }, xml('body', {}, 'anyone?')));
    const bounce = await survivor.next((s) => s.attrs.id === 'x');
    assert.equal(bounce.attrs.type, 'error');
    // The dead replica cannot say its sessions ended, so the survivor that swept them does.
    const names = namesFor(stack.ns);
    const ended = await waitFor(async () => {
      const { events } = await readAggregate(stack.nc, names.streams.sessions, names.subjects.sessions);
      return (events as GatehouseEvent[]).find((event) => event.type === 'gatehouse.session.ended.v1' && event.data.jid === doomed.jid);
    });
    assert.equal((ended.data as { reason: string }).reason, 'replica-lost');
    await survivor.stop();
  });
});

describe('NATS briefly unavailable', () => {
  it('keeps client sockets, reconnects, and loses or doubles no event', async (t) => {
    let nats;
    try {
      nats = await startNatsServer();
    } catch (error) {
      if (error instanceof NatsServerNotFoundError) return t.skip(error.message);
      throw error;
    }
    const stack = await startStack({ natsUrl: nats.url });
    try {
      const user = uniqueUser();
      await stack.createAccount(user, 'pw');
      const client = await connectClient({ service: `xmpp://127.0.0.1:${stack.gateways[0]!.ports.c2s}`, username: user, password: 'pw', resource: 'r' });
      await stack.nc.close();
      await nats.stop();
      // Served locally, so it works while NATS is away: the socket is still ours.
      await client.xmpp.iqCaller.get(xml('ping', { xmlns: 'urn:xmpp:ping' }), undefined, 5_000);
      await client.stop(); // session.ended is published while NATS is down
      await new Promise((resolve) => setTimeout(resolve, 500));
      await nats.restart();
      const nc = await connect({ servers: nats.url });
      const names = namesFor(stack.ns);
      const events = await waitFor(async () => {
        const { events } = await readAggregate(nc, names.streams.sessions, names.subjects.sessions);
        return events.some((e) => e.type === 'gatehouse.session.ended.v1') ? events : undefined;
      }, 20_000);
      const ids = events.map((event) => event.id);
      assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
      assert.deepEqual(
        events.map((event) => event.type),
        ['gatehouse.session.established.v1', 'gatehouse.session.ended.v1'],
      );
      stack.nc = nc;
    } finally {
      await stack.stop();
      await nats.stop();
    }
  });
});
