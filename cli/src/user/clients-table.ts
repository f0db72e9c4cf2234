import type { ClientListing } from '@gatehouse/events';

/** What the table shows of a client as `clients.list` (projections) reports it. */
export type ListedClient = Pick<ClientListing, 'id' | 'type' | 'connected' | 'firstSeen' | 'lastSeen' | 'auth' | 'userAgent'>;

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** As Prosody's shell command `user:clients` shows times: the local date when a day or more away, else the local time. */
export function formatWhen(iso: string, now: Date): string {
  const when = new Date(iso);
  return Math.abs(now.getTime() - when.getTime()) >= DAY_MS
    ? `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`
    : `${pad(when.getHours())}:${pad(when.getMinutes())}:${pad(when.getSeconds())}`;
}

/**
 * `prosodyctl shell user clients` as a table: header, a dash line, one row per client, a
 * dash line, then "<N> clients" (Prosody's words, plural even for one).
 */
export function clientsTable(clients: ListedClient[], now: Date): string[] {
  if (clients.length === 0) return ['No clients associated with this account'];
  const header = ['ID', 'Software', 'Device', 'Last seen', 'Authentication', 'Connected'];
  const rows = clients.map((client) => [
    client.id,
    client.userAgent.software ?? '',
    client.userAgent.device ?? '',
    formatWhen(client.lastSeen, now),
    [...client.auth].sort().join(', '),
    client.connected ? 'yes' : 'no',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1));
  return [line(header), rule, ...rows.map(line), rule, `${clients.length} clients`];
}
