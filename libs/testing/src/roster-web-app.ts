/**
 * A stand-in for the web app of external roster mode (mod_http_roster_admin): serves
 * `GET /contacts/<username>` from rosters a test sets, and misbehaves on demand.
 */
import { createServer, type Server } from 'node:http';

export type WebAppBehaviour =
  /** 200 with the roster set for the user (`{}` when none). */
  | 'ok'
  /** Answers only after `slowMs`: longer than the service's timeout. */
  | 'slow'
  /** 200 with a body that is not JSON. */
  | 'garbage'
  /** 500. */
  | 'error';

export interface RosterWebApp {
  /** ROSTER_HTTP_URL for the service: `http://127.0.0.1:<port>/contacts/%s`. */
  readonly urlTemplate: string;
  /** Paths requested so far (the username URL-encoded as it arrived). */
  readonly requests: string[];
  setRoster(username: string, roster: Record<string, unknown>): void;
  behave(behaviour: WebAppBehaviour): void;
  /** Stops listening: the app is down (connection refused) until `restart()`. */
  down(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRosterWebApp({ slowMs = 10_000 } = {}): Promise<RosterWebApp> {
  const rosters = new Map<string, Record<string, unknown>>();
  const requests: string[] = [];
  const pending = new Set<NodeJS.Timeout>();
  let behaviour: WebAppBehaviour = 'ok';
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const path = req.url ?? '';
    requests.push(path);
    const match = /^\/contacts\/([^/?]+)$/.exec(path);
    if (!match) return void res.writeHead(404).end();
    const username = decodeURIComponent(match[1]!);
    const answer = () => {
      if (behaviour === 'error') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('database on fire');
      if (behaviour === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rosters.get(username) ?? {}));
    };
    if (behaviour !== 'slow') return answer();
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!res.destroyed) answer();
    }, slowMs);
    pending.add(timer);
  };
  let server: Server = createServer(handler);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const close = async () => {
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  const port = await listen(0);
  return {
    urlTemplate: `http://127.0.0.1:${port}/contacts/%s`,
    requests,
    setRoster: (username, roster) => void rosters.set(username, roster),
    behave: (next) => void (behaviour = next),
    down: close,
    async restart() {
      server = createServer(handler);
      await listen(port);
    },
    stop: close,
  };
}
