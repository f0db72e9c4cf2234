const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** SASL payloads (RFC 6120 §6.4.2): strict base64, `=` for an empty one; undefined when invalid. */
export function decodeSaslPayload(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact === '=') return Buffer.alloc(0);
  return BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

export function encodeSaslPayload(data: Buffer): string {
  return data.length === 0 ? '=' : data.toString('base64');
}
