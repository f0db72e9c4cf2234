import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { call, ensureStreams, request } from '@gatehouse/bus';
import { namesFor } from '@gatehouse/events';
import { createLogger } from '@gatehouse/telemetry';
import { createTestDatabase, natsUrl, setupNats, startServiceProcess, type NatsTestContext, type ServiceProcess, type TestDatabase } from '@gatehouse/testing';
import { createTokenService, type TokenService } from '@gatehouse/token';
import { deriveScramCredential } from '@gatehouse/xmpp';

const bin = fileURLToPath(new URL('../bin/gatehouse.js', import.meta.url));
const linkedBin = fileURLToPath(new URL('../../node_modules/.bin/gatehouse', import.meta.url));
const projectionsMain = fileURLToPath(new URL('../../services/projections/src/main.ts', import.meta.url));

/** `user list` reads the account listing: the projections service over a database of its own. */
async function startProjections(ns: string): Promise<{ stop(): Promise<void> }> {
  const database: TestDatabase = await createTestDatabase();
  let projections: ServiceProcess;
  try {
    projections = await startServiceProcess(projectionsMain, { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: ns, XMPP_DOMAIN: 'localhost', LOG_LEVEL: 'warn', DATABASE_URL: database.url });
  } catch (error) {
    await database.cleanup();
    throw error;
  }
  return {
    async stop() {
      await projections.stop();
      await database.cleanup();
    },
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as an operator would, with stdin a pipe holding `input` (empty by default). */
function gatehouse(args: string[], { env = {}, input = '', command = process.execPath }: { env?: Record<string, string>; input?: string; command?: string } = {}): Promise<Run> {
  const argv = command === process.execPath ? [bin, ...args] : args;
  const child = spawn(command, argv, { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

describe('gatehouse user (e2e: the real bin against a token service on NATS)', { timeout: 180_000 }, () => {
  let context: NatsTestContext;
  let service: TokenService;
  let projections: { stop(): Promise<void> };
  let env: Record<string, string>;

  const user = (args: string[], input?: string) => gatehouse(['user', ...args], { env, ...(input === undefined ? {} : { input }) });
  const credential = (jid: string) =>
    call(context.nc, context.ns, 'token.auth.credentials', { jid, mechanism: 'SCRAM-SHA-256' });
  const verifies = async (jid: string, password: string) => {
    const { exists, credential: stored } = await credential(jid);
    return exists && deriveScramCredential(password, 'SCRAM-SHA-256', { salt: stored.salt, iterations: stored.iterations }).storedKey === stored.storedKey;
  };

  before(async () => {
    context = await setupNats();
    await ensureStreams(context.nc, context.ns);
    service = createTokenService({ nc: context.nc, ns: context.ns, domain: 'localhost', logger: createLogger('token', 'silent') });
    await service.start();
    projections = await startProjections(context.ns);
    env = { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: context.ns };
  });

  after(async () => {
    await projections?.stop();
    await service.stop();
    await context.cleanup();
  });

  it('prints help from the bin linked into node_modules/.bin (npx gatehouse)', async () => {
    const run = await gatehouse(['--help'], { command: linkedBin });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /user create <jid> --password <pw>/);
  });

  it('creates a user with --password and keeps only SCRAM credentials', async () => {
    const run = await user(['create', 'alice@localhost', '--password', 'wonderland']);
    assert.deepEqual(run, { code: 0, stdout: 'created user alice@localhost\n', stderr: '' });
    assert.ok(await verifies('alice@localhost', 'wonderland'));
  });

  it('refuses to create an existing user', async () => {
    const run = await user(['create', 'alice@localhost', '--password', 'other']);
    assert.deepEqual(run, { code: 1, stdout: '', stderr: 'gatehouse: user alice@localhost already exists\n' });
  });

  it('reads the password from stdin with --password -, and from a pipe without --password', async () => {
    assert.equal((await user(['create', 'bob@localhost', '--password', '-'], 'builder\n')).code, 0);
    assert.ok(await verifies('bob@localhost', 'builder'));
    const piped = await user(['create', 'carol@localhost'], 'piped secret\n');
    assert.deepEqual(piped, { code: 0, stdout: 'created user carol@localhost\n', stderr: '' });
    assert.ok(await verifies('carol@localhost', 'piped secret'));
  });

  it('refuses an empty password from stdin', async () => {
    const run = await user(['create', 'dave@localhost']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^gatehouse: the password is empty\n/);
  });

  it('changes a password', async () => {
    const run = await user(['password', 'alice@localhost', '--password', 'looking-glass']);
    assert.deepEqual(run, { code: 0, stdout: 'changed the password of user alice@localhost\n', stderr: '' });
    assert.ok(await verifies('alice@localhost', 'looking-glass'));
    assert.ok(!(await verifies('alice@localhost', 'wonderland')));
  });

  it('lists users, one per line, of a domain when given', async () => {
    assert.deepEqual(await user(['list']), { code: 0, stdout: 'alice@localhost\nbob@localhost\ncarol@localhost\n', stderr: '' });
    assert.deepEqual(await user(['list', 'localhost']), { code: 0, stdout: 'alice@localhost\nbob@localhost\ncarol@localhost\n', stderr: '' });
    assert.deepEqual(await user(['list', 'example.org']), { code: 0, stdout: '', stderr: '' });
  });

  it('deletes a user, then says it does not exist', async () => {
    assert.deepEqual(await user(['delete', 'carol@localhost']), { code: 0, stdout: 'deleted user carol@localhost\n', stderr: '' });
    assert.deepEqual(await user(['delete', 'carol@localhost']), { code: 1, stdout: '', stderr: 'gatehouse: user carol@localhost does not exist\n' });
    assert.deepEqual(await user(['password', 'nobody@localhost', '--password', 'x']), {
      code: 1,
      stdout: '',
      stderr: 'gatehouse: user nobody@localhost does not exist\n',
    });
  });

  it('explains a bad JID', async () => {
    const malformed = await user(['create', 'a@@localhost', '--password', 'x']);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /^gatehouse: malformed JID "a@@localhost": /);
    const foreign = await user(['create', 'eve@example.org', '--password', 'x']);
    assert.deepEqual(foreign, {
      code: 1,
      stdout: '',
      stderr: 'gatehouse: cannot create user eve@example.org: this server serves localhost, not example.org\n',
    });
  });

  it('explains a wrong command line with the usage', async () => {
    const run = await user(['rename', 'alice@localhost']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown action 'rename'[\s\S]*usage: gatehouse user/);
  });

  it('says how to start NATS when nothing listens at NATS_URL', async () => {
    const url = `nats://127.0.0.1:${await closedPort()}`;
    const run = await gatehouse(['user', 'list'], { env: { ...env, NATS_URL: url } });
    assert.deepEqual(run, {
      code: 1,
      stdout: '',
      stderr: `gatehouse: cannot reach NATS at ${url}: start the stack with \`npm start\` or set NATS_URL\n`,
    });
  });

  it('says the token service is not answering when no stack runs in the namespace', async () => {
    const run = await gatehouse(['user', 'create', 'alice@localhost', '--password', 'x'], { env: { ...env, GATEHOUSE_NAMESPACE: `${context.ns}x` } });
    assert.deepEqual(run, { code: 1, stdout: '', stderr: 'gatehouse: the token service is not answering: is `npm start` running?\n' });
  });
});

describe('gatehouse user list (e2e: more accounts than one NATS message holds)', { timeout: 120_000 }, () => {
  let context: NatsTestContext;
  let service: TokenService;
  let projections: { stop(): Promise<void> };

  before(async () => {
    context = await setupNats();
    await ensureStreams(context.nc, context.ns);
    // One PBKDF2 round: the test is about the listing, not about deriving 3,000 credentials.
    service = createTokenService({ nc: context.nc, ns: context.ns, domain: 'localhost', iterations: 1, logger: createLogger('token', 'silent') });
    await service.start();
    projections = await startProjections(context.ns);
  });

  after(async () => {
    await projections?.stop();
    await service.stop();
    await context.cleanup();
  });

  it('prints every account, read page by page', async () => {
    // 1,500 JIDs of ~815 bytes: ~1.2 MiB of JSON, over the default max_payload of 1 MiB.
    const jids = Array.from({ length: 1_500 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(800)}@localhost`);
    const create = (jid: string) => request(context.nc, `${namesFor(context.ns).services.token}.account.create`, { jid, password: 'pw' }, { timeoutMs: 10_000 });
    for (let i = 0; i < jids.length; i += 50) await Promise.all(jids.slice(i, i + 50).map(create));
    const run = await gatehouse(['user', 'list'], { env: { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: context.ns } });
    // Checked piecewise: a failing deepEqual would diff megabytes of output.
    assert.deepEqual({ code: run.code, stderr: run.stderr }, { code: 0, stderr: '' });
    assert.ok(run.stdout === jids.map((jid) => `${jid}\n`).join(''), `${run.stdout.split('\n').length - 1} of ${jids.length} accounts printed`);
  });
});
