/**
 * What happens around the sessions: the events they leave on JetStream, account
 * changes cutting live sessions on every replica, a replica dying, NATS going away.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { readAggregate, request } from '@gatehouse/bus';
import { namesFor, type GatehouseEvent } from '@gatehouse/events';
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

  it('records a session as events: opened, authenticated, bound, ended, closed', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const client = await connectClient({ service: service(0), username: user, password: 'pw', resource: 'r' });
    await client.stop();
    const names = namesFor(stack.ns);
    const types = await waitFor(async () => {
      const sessions = new Map<string, string[]>();
      const { events } = await readAggregate(stack.nc, names.streams.sessions, names.subjects.sessions);
      for (const event of events as GatehouseEvent[]) {
        const id = (event.data as { sessionId: string }).sessionId;
        sessions.set(id, [...(sessions.get(id) ?? []), event.type]);
      }
      const mine = [...sessions.values()].find((list) => list.includes('gatehouse.session.ended.v1'));
      return mine && mine.includes('gatehouse.session.stream-closed.v1') ? mine : undefined;
    });
    assert.deepEqual(types, [
      'gatehouse.session.stream-opened.v1',
      'gatehouse.session.authentication-succeeded.v1',
      'gatehouse.session.resource-bound.v1',
      'gatehouse.session.ended.v1',
      'gatehouse.session.stream-closed.v1',
    ]);
  });

  /** Session events stored after the first `before`, once a marker login has closed; the marker's own left out. */
  async function eventsBeforeMarker(before: number): Promise<GatehouseEvent[]> {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const marker = await connectClient({ service: service(0), username: user, password: 'pw', resource: 'marker' });
    await marker.stop();
    const names = namesFor(stack.ns);
    const isMarkerEnd = (e: GatehouseEvent) => e.type === 'gatehouse.session.ended.v1' && e.data.jid.startsWith(`${user}@`);
    const events = await waitFor(async () => {
      const { events } = await readAggregate(stack.nc, names.streams.sessions, names.subjects.sessions);
      const end = (events as GatehouseEvent[]).find(isMarkerEnd);
      return end && events.some((e) => e.subject === end.subject && e.type === 'gatehouse.session.stream-closed.v1') ? (events as GatehouseEvent[]) : undefined;
    });
    const markerSubject = events.find(isMarkerEnd)!.subject;
    return events.slice(before).filter((e) => e.subject !== markerSubject);
  }

  async function storedSessionEvents(): Promise<number> {
    const names = namesFor(stack.ns);
    return (await readAggregate(stack.nc, names.streams.sessions, names.subjects.sessions)).events.length;
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
      await client.stop(); // session-ended and stream-closed are published while NATS is down
      await new Promise((resolve) => setTimeout(resolve, 500));
      await nats.restart();
      const nc = await connect({ servers: nats.url });
      const names = namesFor(stack.ns);
      const events = await waitFor(async () => {
        const { events } = await readAggregate(nc, names.streams.sessions, names.subjects.sessions);
        return events.some((e) => e.type === 'gatehouse.session.stream-closed.v1') ? events : undefined;
      }, 20_000);
      const ids = events.map((event) => event.id);
      assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
      assert.deepEqual(
        events.map((event) => event.type),
        [
          'gatehouse.session.stream-opened.v1',
          'gatehouse.session.authentication-succeeded.v1',
          'gatehouse.session.resource-bound.v1',
          'gatehouse.session.ended.v1',
          'gatehouse.session.stream-closed.v1',
        ],
      );
      stack.nc = nc;
    } finally {
      await stack.stop();
      await nats.stop();
    }
  });
});
