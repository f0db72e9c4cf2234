const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `undefined` travels as an empty body, as `nats req subject ''` sends it. */
export function encodeJson(value: unknown): Uint8Array {
  return value === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(value));
}

/** Throws SyntaxError (or TypeError for bad UTF-8) when the body is not JSON. */
export function decodeJson(bytes: Uint8Array): unknown {
  return bytes.length === 0 ? undefined : JSON.parse(decoder.decode(bytes));
}

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: { code: string; message: string } };
