import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join, resolve } from 'node:path';

export type NatsPlan = { kind: 'running'; url: string } | { kind: 'spawn'; url: string; binary: string; args: string[]; storeDir: string };

/** Nothing answers at NATS_URL and no nats-server can be started: the message says what to do. */
export class NatsUnavailableError extends Error {
  readonly code = 'nats-unavailable';
  constructor(url: string, reason: string) {
    super(
      `no NATS server answers at ${url}, and ${reason}.\n` +
        'Do one of these, then run it again:\n' +
        '  - install nats-server (Debian/Ubuntu: apt-get install nats-server; or a release from\n' +
        '    https://github.com/nats-io/nats-server/releases) and put it on the PATH: npm start starts it;\n' +
        '  - set NATS_URL to a running NATS server with JetStream enabled (nats-server -js);\n' +
        '  - run `docker compose up -d nats` in the Gatehouse repository (NATS in Docker on 127.0.0.1:4222).',
    );
    this.name = 'NatsUnavailableError';
  }
}

export interface PlanNatsOptions {
  url: string;
  /** NATS keeps its JetStream files in `<dataDir>/nats`. */
  dataDir: string;
  probe?: (url: string) => Promise<boolean>;
  findBinary?: () => string | undefined;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Use the server at `url`, or start one there when it is local and nats-server is installed. */
export async function planNats({ url, dataDir, probe = probeNats, findBinary = () => findOnPath('nats-server') }: PlanNatsOptions): Promise<NatsPlan> {
  if (await probe(url)) return { kind: 'running', url };
  const { hostname, port } = new URL(url);
  if (!LOCAL_HOSTS.has(hostname)) throw new NatsUnavailableError(url, `${hostname} is not this machine, so none can be started for it`);
  const binary = findBinary();
  if (!binary) throw new NatsUnavailableError(url, 'nats-server is not on the PATH');
  const storeDir = resolve(dataDir, 'nats');
  return { kind: 'spawn', url, binary, storeDir, args: ['-a', '127.0.0.1', '-p', port || '4222', '-js', '-sd', storeDir] };
}

/** A NATS server greets every connection with `INFO {...}`: a listening port alone proves nothing. */
export function probeNats(url: string, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((answer) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 4222) });
    const done = (ok: boolean) => {
      socket.destroy();
      answer(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('INFO ')));
    socket.once('error', () => done(false));
    socket.once('end', () => done(false));
  });
}

export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}
