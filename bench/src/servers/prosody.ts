/**
 * Prosody 13 as the bench runs it: its own configuration, certificate and data in a
 * temporary folder (so every round starts from empty data), loopback only, its own
 * ports, SASL2 + Bind 2 + FAST from prosody-modules. Nothing of it is kept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificate } from '@gatehouse/gateway';
import type { Account } from '../client/login.ts';
import type { ProsodyInstall } from './prosody-detect.ts';
import { prosodyConfig } from './prosody-config.ts';
import { ServerStartError, type BenchServer } from './server.ts';

const ITERATIONS = 4096;
const DOMAIN = 'localhost';

export async function startProsody(install: ProsodyInstall, tlsPort: number, logLevel: string): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-prosody-'));
  const dataDir = join(dir, 'data');
  const accountsDir = join(dataDir, DOMAIN, 'accounts');
  await mkdir(accountsDir, { recursive: true });
  const tls = await ensureCertificate({ dir, domain: DOMAIN });
  const configFile = join(dir, 'prosody.cfg.lua');
  await writeFile(configFile, prosodyConfig({ dir, dataDir, tlsPort, certFile: tls.certFile, keyFile: tls.keyFile, logLevel }));
  await ownAll(dir, install);

  const child = spawn(install.binary, ['-F', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(install.runAs ? { uid: install.runAs.uid, gid: install.runAs.gid } : {}),
    env: { ...process.env, HOME: dir },
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000));
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const cleanup = async () => {
    await stopChild(child, exited);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(tlsPort, child, 15_000);
  } catch (error) {
    const log = await readFile(join(dir, 'prosody.log'), 'utf8').catch(() => '');
    await cleanup();
    throw new ServerStartError(`Prosody did not start: ${(error as Error).message}\n${output}\n${log.slice(-2_000)}`);
  }

  return {
    name: 'prosody',
    endpoints: [{ host: '127.0.0.1', port: tlsPort, domain: DOMAIN }],
    processes: () => (child.pid === undefined || child.exitCode !== null ? [] : [{ pid: child.pid, role: 'prosody' }]),
    async createAccounts(accounts) {
      // Written straight into Prosody's store, the way mod_auth_internal_hashed keeps them:
      // a prosodyctl call per account would take minutes for thousands.
      await Promise.all(accounts.map((account) => writeFile(join(accountsDir, `${account.user}.dat`), accountFile(account))));
      await ownAll(dataDir, install);
    },
    stop: cleanup,
  };
}

/** mod_auth_internal_hashed's record (password_hash = "SHA-256"): hex keys, the salt as stored bytes. */
function accountFile(account: Account): string {
  const salt = randomBytes(16).toString('hex');
  const salted = pbkdf2Sync(account.password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('hex');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('hex');
  const now = Math.floor(Date.now() / 1000);
  return `return {\n\t["stored_key"] = "${storedKey}";\n\t["server_key"] = "${serverKey}";\n\t["salt"] = "${salt}";\n\t["iteration_count"] = ${ITERATIONS};\n\t["created"] = ${now};\n\t["updated"] = ${now};\n};\n`;
}

async function ownAll(path: string, install: ProsodyInstall): Promise<void> {
  if (!install.runAs) return;
  const { uid, gid } = install.runAs;
  await chown(path, uid, gid);
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  await Promise.all(entries.map((entry) => chown(join(entry.parentPath, entry.name), uid, gid)));
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}
