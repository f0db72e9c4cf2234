import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appendEvent, call, ensureStreams, request } from '@gatehouse/bus';
import { createEvent, namesFor, type EventDataMap } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { createTestDatabase, natsUrl, setupNats, startServiceProcess, type NatsTestContext, type ServiceProcess, type TestDatabase } from '@gatehouse/testing';
import { createTokenService, type TokenService } from '@gatehouse/token';

const bin = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));
const main = (service: string) => fileURLToPath(new URL(`../../services/${service}/src/main.ts`, import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function gatehouse(args: string[], env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('gatehouse user clients / revoke-client, projections rebuild (e2e: the bin against real services)', { timeout: 180_000 }, () => {
  let context: NatsTestContext;
  let database: TestDatabase;
  let token: TokenService;
  const processes: ServiceProcess[] = [];
  let env: Record<string, string>;

  const ask = (subject: string, payload: unknown) => request(context.nc, subject, payload);
  const names = () => namesFor(context.ns);
  const established = async (data: EventDataMap['gatehouse.session.established.v1']) =>
    appendEvent(context.nc, createEvent('gatehouse.session.established.v1', { subject: names().subjects.session(data.sessionId), source: 'gatehouse/gateway/gw0', data }));
  /** What a gateway does at a SASL2 login with Bind 2: the grant (and a token), and the session's one event at binding. */
  const login = async (clientId: string, method: 'password' | 'fast', software: string) => {
    const sessionId = randomBytes(16).toString('base64url').slice(0, 22);
    const jid = 'alice@localhost';
    const mechanism = method === 'fast' ? 'HT-SHA-256-NONE' : 'SCRAM-SHA-256';
    await ask(`${names().services.token}.fast.issue`, { jid, clientId, mechanism: 'HT-SHA-256-NONE', authenticatedBy: method });
    await ask(`${names().services.token}.grant.record`, { jid, clientId, authenticatedBy: method });
    await established({
      sessionId,
      replica: 'gw0',
      jid: `${jid}/${clientId}`,
      transport: 'tls',
      clientIp: '127.0.0.1',
      openedAt: new Date().toISOString(),
      mechanism,
      method,
      clientId,
      legacy: false,
      userAgent: { software, device: `${software} box` },
    });
  };
  const listed = async (jid: string) => (await call(context.nc, context.ns, 'projections.clients.list', { jid })).items;

  before(async () => {
    context = await setupNats();
    await ensureStreams(context.nc, context.ns);
    database = await createTestDatabase();
    token = createTokenService({ nc: context.nc, ns: context.ns, domain: 'localhost', logger: createLogger('token', 'silent') });
    await token.start();
    env = { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: context.ns, XMPP_DOMAIN: 'localhost', LOG_LEVEL: 'warn' };
    processes.push(await startServiceProcess(main('projections'), { ...env, DATABASE_URL: database.url }));
    processes.push(await startServiceProcess(main('client-registry'), env));
    for (const jid of ['alice@localhost', 'bob@localhost']) await ask(`${names().services.token}.account.create`, { jid, password: 'secret' });
    await login('phone', 'password', 'Conversations');
    await login('tablet', 'fast', 'Monal');
    const deadline = Date.now() + 15_000;
    while ((await listed('alice@localhost')).length < 2) {
      assert.ok(Date.now() < deadline, 'the registry and the listing caught up');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    for (const process of processes) await process.stop();
    await token?.stop();
    await database?.cleanup();
    await context?.cleanup();
  });

  it('lists the clients as a table, with a count', async () => {
    const run = await gatehouse(['user', 'clients', 'Alice@localhost'], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^ID +Software +Device +Last seen +Authentication +Connected$/);
    assert.match(lines[1]!, /^-+$/);
    assert.match(lines[2]!, /^client\/phone +Conversations +Conversations box +\d\d:\d\d:\d\d +fast, grant, password +yes$/);
    assert.match(lines[3]!, /^client\/tablet +Monal +Monal box +\d\d:\d\d:\d\d +fast, grant +yes$/);
    assert.equal(lines.at(-1), '2 clients');
  });

  it('says when an account has no clients, and when it does not exist', async () => {
    assert.deepEqual(await gatehouse(['user', 'clients', 'bob@localhost'], env), { code: 0, stdout: 'No clients associated with this account\n', stderr: '' });
    assert.deepEqual(await gatehouse(['user', 'clients', 'nobody@localhost'], env), { code: 1, stdout: '', stderr: 'gatehouse: user nobody@localhost does not exist\n' });
  });

  it('revokes a client, then it is gone from the list', async () => {
    assert.deepEqual(await gatehouse(['user', 'revoke-client', 'alice@localhost', 'client/tablet'], env), { code: 0, stdout: 'Client access revoked\n', stderr: '' });
    assert.deepEqual((await listed('alice@localhost')).map((entry) => entry.id), ['client/phone']);
  });

  it('says a password reset is required for a password client (revoke_client, as Prosody spells it)', async () => {
    assert.deepEqual(await gatehouse(['user', 'revoke_client', 'alice@localhost', 'client/phone'], env), { code: 1, stdout: '', stderr: 'gatehouse: Password reset required\n' });
  });

  it('says an unknown or malformed id is not found', async () => {
    for (const id of ['client/nothing', 'nonsense']) {
      assert.deepEqual(await gatehouse(['user', 'revoke-client', 'alice@localhost', id], env), { code: 1, stdout: '', stderr: 'gatehouse: Client not found\n' });
    }
  });

  it('rebuilds the client listing, printing progress, to the same listing', async () => {
    const before = await listed('alice@localhost');
    const run = await gatehouse(['projections', 'rebuild', 'client-listing'], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^rebuilding client-listing: 0\/\d+ events$/);
    assert.ok(lines.length >= 3);
    const total = /\/(\d+) events$/.exec(lines[0]!)![1];
    assert.equal(lines.at(-1), `rebuilt client-listing: ${total} events`);
    assert.deepEqual(await listed('alice@localhost'), before);
  });

  it('refuses an unknown projection name', async () => {
    assert.deepEqual(await gatehouse(['projections', 'rebuild', 'nope'], env), {
      code: 1,
      stdout: '',
      stderr: 'gatehouse: no projection named nope (try client-listing, client-activity or account-listing)\n',
    });
  });
});
