/**
 * WEBSOCKET_ALLOWED_ORIGINS. A browser names the page that opens a WebSocket in `Origin`
 * (RFC 6455 §4.1, §10.2), so a page elsewhere cannot reach the endpoint through a
 * visitor's browser; native clients send no Origin and are not browsers' victims.
 */
export function validOrigins(list: readonly string[]): boolean {
  return list.every((entry) => entry === '*' || (URL.canParse(entry) && new URL(entry).origin !== 'null'));
}

/** Whether an upgrade with this `Origin` header may proceed. */
export function originPolicy(allowed: readonly string[]): (origin: string | undefined) => boolean {
  if (allowed.includes('*')) return () => true;
  const origins = new Set(allowed.map((entry) => new URL(entry).origin));
  // An opaque origin ("null", RFC 6454 §7.3) never matches: it names no page we could list.
  return (origin) => origin === undefined || (URL.canParse(origin) && origins.has(new URL(origin).origin));
}
