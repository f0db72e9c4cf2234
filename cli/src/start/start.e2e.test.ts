import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { createTestDatabase, natsUrl, setupNats } from '@gatehouse/testing';

const bin = fileURLToPath(new URL('../../bin/gatehouse.js', import.meta.url));

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Four base ports whose +100 neighbours are free too, away from the real 5222. */
async function freeBasePorts(): Promise<[number, number, number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 300) * 100;
    const ports = [base, base + 1, base + 2, base + 3, base + 100, base + 101, base + 102, base + 103];
    if ((await Promise.all(ports.map(bindable))).every(Boolean)) return [base, base + 1, base + 2, base + 3];
  }
  throw new Error('no free ports');
}

/** Runs `gatehouse start` to its exit (bounded), for the failure paths. */
function runToExit(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, OTEL_SDK_DISABLED: 'true', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000, () => resolve(false));
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Pid of the launcher's child running that entry (`services/<name>/src/main.ts`). */
function childRunning(launcher: number, entry: string): number {
  const listing = execFileSync('ps', ['--ppid', `${launcher}`, '-o', 'pid=,args='], { encoding: 'utf8' });
  const line = listing.split('\n').find((candidate) => candidate.includes(entry));
  if (!line) throw new Error(`no child runs ${entry}:\n${listing}`);
  return Number(line.trim().split(/\s+/)[0]);
}

async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it('gatehouse start --gateways 2 prints one ready line, serves every port, restarts a killed service and gateway, and stops cleanly on SIGTERM', { timeout: 90_000 }, async () => {
  const nats = await setupNats();
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-start-'));
  const [c2s, c2sTls, http, admin] = await freeBasePorts();
  const child = spawn(process.execPath, [bin, 'start', '--gateways', '2'], {
    env: {
      ...process.env,
      NATS_URL: natsUrl(),
      DATABASE_URL: database.url,
      GATEHOUSE_NAMESPACE: nats.ns,
      GATEHOUSE_DATA_DIR: dataDir,
      GATEWAY_BIND_ADDRESS: '127.0.0.1',
      C2S_PORT: `${c2s}`,
      C2S_TLS_PORT: `${c2sTls}`,
      HTTP_PORT: `${http}`,
      ADMIN_HTTP_PORT: `${admin}`,
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line within 45 s; stderr:\n${stderr}`)), 45_000);
      child.stdout.on('data', () => {
        const line = stdout.split('\n').find((candidate) => candidate.startsWith('Gatehouse ready:'));
        if (line) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      void exited.then((code) => reject(new Error(`gatehouse start exited (${code}) before ready; stderr:\n${stderr}`)));
    });
    assert.match(readyLine, new RegExp(`gateway gw0 c2s ${c2s} \\(STARTTLS\\) ${c2sTls} \\(TLS\\) http ${http} \\(wss:[^)]*\\) admin ${admin};`));
    assert.match(readyLine, new RegExp(`gateway gw1 c2s ${c2s + 100} \\(STARTTLS\\) ${c2sTls + 100} \\(TLS\\) http ${http + 100} \\(wss:[^)]*\\) admin ${admin + 100};`));
    assert.match(readyLine, /domain localhost/);
    assert.equal(stdout.trim().split('\n').length, 1, `stdout is the ready line only:\n${stdout}`);
    for (const port of [c2s, c2sTls, http, admin, c2s + 100, c2sTls + 100, http + 100, admin + 100]) {
      assert.equal(await accepts(port), true, `port ${port} accepts TCP`);
    }

    const launcher = child.pid ?? 0;
    process.kill(childRunning(launcher, join('services', 'roster-sync', 'src', 'main.ts')), 'SIGKILL');
    process.kill(childRunning(launcher, join('services', 'gateway', 'src', 'main.ts')), 'SIGKILL');
    await eventually(() => /roster-sync restarted and ready/.test(stderr), 45_000, `roster-sync restarted; stderr:\n${stderr}`);
    await eventually(() => /gateway-gw\d restarted and ready/.test(stderr), 45_000, `a gateway restarted; stderr:\n${stderr}`);
    assert.match(stderr, /roster-sync exited \(SIGKILL\); restarting it in \d+ ms/);
    assert.equal(child.exitCode, null, 'the launcher kept running');
    for (const port of [c2s, c2sTls, http, c2s + 100, c2sTls + 100, http + 100]) {
      await eventually(() => accepts(port), 10_000, `port ${port} accepts TCP after the restart`);
    }

    const stopped = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000))]);
    assert.equal(code, 0, `exit within 10 s after SIGTERM (took ${Date.now() - stopped} ms); stderr:\n${stderr}`);
    for (const port of [c2s, http + 100]) assert.equal(await accepts(port), false, `port ${port} closed after stop`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await nats.cleanup();
    await database.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('says what to do and exits 1 when no NATS answers and nats-server is not installed', { timeout: 30_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-start-'));
  try {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const { code, stdout, stderr } = await runToExit({ NATS_URL: `nats://127.0.0.1:${port}`, PATH: dataDir, GATEHOUSE_DATA_DIR: dataDir }, 20_000);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, new RegExp(`no NATS server answers at nats://127\\.0\\.0\\.1:${port}`));
    assert.match(stderr, /install nats-server/);
    assert.match(stderr, /set NATS_URL/);
    assert.match(stderr, /docker compose up -d nats/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('stops everything and exits 1 with the failing service’s last output when one cannot start', { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-start-'));
  try {
    const { code, stdout, stderr } = await runToExit(
      { NATS_URL: natsUrl(), GATEHOUSE_NAMESPACE: 'Not-A-Namespace', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', GATEHOUSE_DATA_DIR: dataDir },
      45_000,
    );
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, /(token|projections|roster-sync|client-registry) exited \(1\) before it was ready/);
    assert.match(stderr, /GATEHOUSE_NAMESPACE/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
