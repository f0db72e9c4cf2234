/**
 * External roster mode (mod_http_roster_admin; docs/rosters.md):
 * GET the roster URL with `%s` replaced by the URL-encoded username (Prosody substitutes
 * it raw; the README says encoded, and so do we), expecting 200 and a JSON object keyed
 * by contact JID: `{ "marie@example.com": { "name": "Marie", "groups": ["Friends"] } }`.
 * `groups` may also be an object whose keys are the groups (what Prosody reads), and
 * `subscription` defaults to `both`, since the web app is the only source of truth.
 */
import { z } from 'zod';
import { subscriptionSchema, type RosterItem } from '@gatehouse/events';
import { formatJid, tryParseJid } from '@gatehouse/xmpp';
import { RosterFetchError } from '../errors.ts';

export interface ExternalRosterSource {
  /** The roster of `username` (local part) as the web app has it; RosterFetchError when it cannot say. */
  fetch(username: string): Promise<RosterItem[]>;
}

export interface HttpRosterSourceOptions {
  /** ROSTER_HTTP_URL, with exactly one `%s`. */
  urlTemplate: string;
  /** ROSTER_HTTP_TIMEOUT_MS: the whole exchange, body included. */
  timeoutMs: number;
  /** ROSTER_HTTP_MAX_BYTES */
  maxBytes: number;
  /** XMPP_DOMAIN: the owner is `<username>@<domain>` and never its own contact. */
  domain: string;
}

const entrySchema = z
  .object({
    name: z.string().max(1023).nullish(),
    subscription: subscriptionSchema.optional(),
    groups: z.union([z.array(z.string().max(1023)), z.record(z.string().max(1023), z.unknown())]).nullish(),
  })
  .nullable();
const bodySchema = z.record(z.string(), entrySchema);

export function httpRosterSource({ urlTemplate, timeoutMs, maxBytes, domain }: HttpRosterSourceOptions): ExternalRosterSource {
  return {
    async fetch(username) {
      const url = urlTemplate.replace('%s', encodeURIComponent(username));
      const text = await download(url, timeoutMs, maxBytes);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new RosterFetchError(`the roster web app answered something other than JSON for ${username}`);
      }
      const parsed = bodySchema.safeParse(json);
      if (!parsed.success || Array.isArray(json)) {
        throw new RosterFetchError(`the roster web app answered JSON that is not an object of contacts for ${username}`);
      }
      return toItems(parsed.data, `${username}@${domain}`);
    },
  };
}

async function download(url: string, timeoutMs: number, maxBytes: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { signal, headers: { accept: 'application/json, text/plain, */*' }, redirect: 'error' });
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new RosterFetchError(`the roster web app answered HTTP ${response.status} for ${url}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) throw new RosterFetchError(`the roster from ${url} is larger than ${maxBytes} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof RosterFetchError) throw error;
    if (signal.aborted) throw new RosterFetchError(`the roster web app did not answer within ${timeoutMs} ms (${url})`, { cause: error });
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new RosterFetchError(`the roster web app is unreachable at ${url}: ${reason}`, { cause: error });
  }
}

function toItems(body: z.output<typeof bodySchema>, owner: string): RosterItem[] {
  const items = new Map<string, RosterItem>();
  for (const [key, entry] of Object.entries(body)) {
    const jid = tryParseJid(key.trim());
    if (!jid) throw new RosterFetchError(`the roster web app listed ${JSON.stringify(key)}, which is not a JID`);
    const normalised = formatJid(jid);
    if (normalised === owner) continue;
    const groups = Array.isArray(entry?.groups) ? entry.groups : Object.keys(entry?.groups ?? {});
    const name = entry?.name?.trim();
    items.set(normalised, {
      jid: normalised,
      ...(name ? { name } : {}),
      groups: [...new Set(groups.map((group) => group.trim()).filter((group) => group !== ''))],
      subscription: entry?.subscription ?? 'both',
      ask: false,
      approved: false,
    });
  }
  return [...items.values()];
}
