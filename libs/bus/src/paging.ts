/**
 * Paged replies: the one way an endpoint hands out a list that can outgrow a NATS
 * message. A reply larger than the server's `max_payload` (1 MiB by default) cannot be
 * published at all, so such endpoints answer `Page`s, each filled up to `pageBudget`
 * bytes, and the caller asks again with the page's `next` cursor until none is left.
 * Requests rather than a stream of replies: every page is an ordinary reply, so the
 * services API, its queue group and `request()`'s error mapping stay as they are.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { ServiceError } from './errors.ts';
import { request } from './request.ts';

/** One page of a paged endpoint's reply; other fields (a roster's version) may ride along. */
export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, sent back as the request's `cursor`; absent on the last. */
  next?: string;
}

/** What a paged endpoint's request adds to its own fields. */
export interface PageRequest {
  cursor?: string;
}

/** The list changed between two pages: the caller starts again from the first. */
export class PageExpiredError extends Error {
  readonly code = 'page-expired';
  constructor(message = 'the list changed since the previous page; ask again from the first', options?: ErrorOptions) {
    super(message, options);
    this.name = 'PageExpiredError';
  }
}

/** Room kept for the reply envelope `{ ok, result: { ..., next } }` around a page's items. */
const ENVELOPE_BYTES = 16 * 1024;
/** The default NATS `max_payload`, for a connection that has not told its server's yet. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** Bytes of JSON a page's items may take on this connection. */
export function pageBudget(nc: NatsConnection): number {
  return (nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - ENVELOPE_BYTES;
}

const encoder = new TextEncoder();

/** Size of `value` as JSON in a message body. */
export function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * Takes `items` from `start` while their JSON fits `budget` bytes. An item too large for
 * any page (stored before its bound existed) is skipped and handed to `onOversize`, so
 * the rest is still served. `end` is where the next page starts; `items.length` at the end.
 */
export function fillPage<T>(items: readonly T[], start: number, budget: number, onOversize?: (item: T, bytes: number) => void): { items: T[]; end: number } {
  const page: T[] = [];
  // `[` and `]`, less the comma the first item does not need.
  let used = 1;
  let end = start;
  for (; end < items.length; end++) {
    const item = items[end]!;
    const bytes = jsonBytes(item);
    if (bytes + 2 > budget) {
      onOversize?.(item, bytes);
      continue;
    }
    if (used + bytes + 1 > budget) break;
    page.push(item);
    used += bytes + 1;
  }
  return { items: page, end };
}

/**
 * A page of an in-memory list at `version` (anything that changes when the list does),
 * with cursors `<version>:<offset>`. A cursor of another version throws PageExpiredError.
 */
export function pageOf<T>(
  items: readonly T[],
  { version, cursor, budget, onOversize }: { version: string | number; cursor: string | undefined; budget: number; onOversize?: (item: T, bytes: number) => void },
): Page<T> {
  let start = 0;
  if (cursor !== undefined) {
    const separator = cursor.lastIndexOf(':');
    const offset = Number(cursor.slice(separator + 1));
    if (separator < 0 || cursor.slice(0, separator) !== String(version) || !Number.isSafeInteger(offset) || offset < 0) throw new PageExpiredError();
    start = offset;
  }
  const page = fillPage(items, start, budget, onOversize);
  return page.end < items.length ? { items: page.items, next: `${version}:${page.end}` } : { items: page.items };
}

export interface PagedRequestOptions {
  timeoutMs?: number;
  /** Pages followed at most before giving up: a guard against a cursor that never ends. */
  maxPages?: number;
}

/** A page as some endpoint shapes it: `next` while more are left. */
export interface Paged {
  next?: string | undefined;
}

/**
 * The pages of a paged endpoint, first to last, each checked by `parse` (the catalog's
 * reply schema, calls.ts) once, on receipt.
 */
export async function* requestPages<P extends Paged>(
  nc: NatsConnection,
  subject: string,
  payload: object | undefined,
  parse: (reply: unknown) => P,
  { timeoutMs, maxPages = 10_000 }: PagedRequestOptions = {},
): AsyncGenerator<P> {
  let cursor: string | undefined;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = parse(await request(nc, subject, cursor === undefined ? payload : { ...payload, cursor }, timeoutMs === undefined ? {} : { timeoutMs }));
    yield page;
    if (page.next === undefined) return;
    cursor = page.next;
  }
  throw new ServiceError('too-many-pages', `${subject} answered more than ${maxPages} pages`);
}

/**
 * Every item of a paged endpoint, as one page: the last page's other fields, all pages'
 * items. A list that changes while being read (`page-expired`) is read again, a few times.
 */
export async function requestAll<P extends Page<unknown>>(
  nc: NatsConnection,
  subject: string,
  payload: object | undefined,
  parse: (reply: unknown) => P,
  options: PagedRequestOptions = {},
): Promise<Omit<P, 'next'>> {
  return retryExpired(async () => {
    const items: unknown[] = [];
    let last: P | undefined;
    for await (const page of requestPages(nc, subject, payload, parse, options)) {
      items.push(...page.items);
      last = page;
    }
    const { next: _next, ...all } = { ...last!, items };
    return all;
  });
}

/** Runs `read` again, up to three times in all, while it fails with `page-expired`. */
export async function retryExpired<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'page-expired') || attempt >= 3) throw error;
    }
  }
}
