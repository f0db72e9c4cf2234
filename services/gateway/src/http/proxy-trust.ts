/**
 * Who is at the other end of an HTTP request, and whether TLS protected it on the way.
 * A request is encrypted when it reached us over our own TLS, or when a trusted proxy
 * (TRUSTED_PROXIES) says the client reached it over https: RFC 7239 `Forwarded:
 * proto=https`, else `X-Forwarded-Proto: https`. Anyone can write those headers, so they
 * count only from a trusted peer; the same holds for the client address they carry.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import parseForwarded from 'forwarded-parse';
import { normaliseAddress } from '../transports/stream-transport.ts';

export interface Peer {
  /** The client: the socket's peer, or what a trusted proxy forwarded. */
  remoteAddress: string;
  /** TLS protected the request from the client to us or to the trusted proxy. */
  secure: boolean;
}

export type ResolvePeer = (request: IncomingMessage, overTls: boolean) => Peer;

export function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

export function validTrustList(list: readonly string[]): boolean {
  try {
    proxyaddr.compile([...list]);
    return true;
  } catch {
    return false;
  }
}

export function peerResolver(trustedProxies: readonly string[]): ResolvePeer {
  const trust = proxyaddr.compile([...trustedProxies]);
  return (request, overTls) => {
    const socketAddress = request.socket.remoteAddress ?? '';
    if (trustedProxies.length === 0 || !trust(socketAddress, 0)) return { remoteAddress: normaliseAddress(socketAddress), secure: overTls };
    const forwarded = request.headers.forwarded ? fromForwarded(request.headers.forwarded, socketAddress, trust) : fromXForwarded(request, trust);
    return { remoteAddress: normaliseAddress(forwarded.address), secure: overTls || forwarded.https };
  };
}

/**
 * RFC 7239 §5.2/§5.4: each proxy appends an element whose `for` is the hop it heard from
 * and whose `proto` is how that hop reached it. From the right, trusted hops are skipped;
 * the first untrusted `for` is the client, and its element's `proto` says how it connected.
 */
function fromForwarded(header: string, socketAddress: string, trust: (address: string, hop: number) => boolean): { address: string; https: boolean } {
  let elements: Record<string, string>[];
  try {
    elements = parseForwarded(header);
  } catch {
    return { address: socketAddress, https: false };
  }
  let address = socketAddress;
  for (let i = elements.length - 1; i >= 0; i--) {
    const hop = elements[i]!;
    const heardFrom = hop.for === undefined ? undefined : nodeAddress(hop.for);
    // `unknown` and obfuscated identifiers (§6.2, §6.3) leave the last address we can name.
    if (heardFrom === undefined) return { address, https: hop.proto?.toLowerCase() === 'https' };
    address = heardFrom;
    if (i === 0 || !trust(heardFrom, elements.length - i)) return { address, https: hop.proto?.toLowerCase() === 'https' };
  }
  return { address, https: false };
}

/**
 * The de-facto headers: X-Forwarded-For walked like `Forwarded`; X-Forwarded-Proto has no
 * agreed list form, so only the nearest proxy's word (the last value) counts.
 */
function fromXForwarded(request: IncomingMessage, trust: (address: string, hop: number) => boolean): { address: string; https: boolean } {
  const proto = String(request.headers['x-forwarded-proto'] ?? '').split(',').pop()?.trim().toLowerCase();
  return { address: proxyaddr(request, trust), https: proto === 'https' };
}

/** RFC 7239 §6: `192.0.2.43`, `192.0.2.43:47011`, `[2001:db8::17]:4711`; anything else is no address. */
function nodeAddress(node: string): string | undefined {
  const [, address] = /^\[([^\]]+)\](?::\d+)?$/.exec(node) ?? /^([\d.]+)(?::\d+)?$/.exec(node) ?? [];
  return address !== undefined && isIP(address) !== 0 ? address : undefined;
}
