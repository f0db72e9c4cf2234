import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { RawXmppClient } from '@gatehouse/testing';

/** Connects to 5222, does STARTTLS and reopens: the client sits at the post-TLS features. */
export async function securedClient(port: number, headerExtra = ''): Promise<{ client: RawXmppClient; features: string }> {
  const client = await RawXmppClient.connect(port);
  client.open();
  await client.expect(/<\/stream:features>/);
  client.send(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`);
  await client.expect(/<proceed/);
  await client.upgradeToTls();
  client.open('localhost', headerExtra);
  const features = await client.expect(/<\/stream:features>/);
  return { client, features };
}

export const plainResponse = (user: string, password: string, authzid = '') => Buffer.from(`${authzid}\0${user}\0${password}`).toString('base64');

/** draft-schmaus-kitten-sasl-ht initial response: authcid NUL HMAC(token, "Initiator" ‖ cb). */
export function htInitialResponse(user: string, token: string, cbData: Uint8Array = Buffer.alloc(0)): string {
  const proof = createHmac('sha256', token).update(Buffer.concat([Buffer.from('Initiator'), cbData])).digest();
  return Buffer.concat([Buffer.from(`${user}\0`), proof]).toString('base64');
}

export const htResponderProof = (token: string, cbData: Uint8Array = Buffer.alloc(0)) =>
  createHmac('sha256', token).update(Buffer.concat([Buffer.from('Responder'), cbData])).digest('base64');

export function userAgent(id: string): string {
  return `<user-agent id='${id}'><software>Gatehouse test</software><device>raw socket</device></user-agent>`;
}

/** `<authenticate>` with PLAIN and whatever inline requests are given. */
export function plainAuthenticate(user: string, password: string, inline = ''): string {
  return `<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>${plainResponse(user, password)}</initial-response>${inline}</authenticate>`;
}

/**
 * A SCRAM-SHA-256 client exchange (RFC 5802/7677) over legacy SASL or SASL2; returns
 * what the server answered last, and the server signature the client expects.
 */
export async function scramExchange(client: RawXmppClient, user: string, password: string, profile: 'sasl' | 'sasl2' = 'sasl'): Promise<{ outcome: string; serverSignature: string }> {
  const ns = profile === 'sasl' ? 'urn:ietf:params:xml:ns:xmpp-sasl' : 'urn:xmpp:sasl:2';
  const nonce = randomBytes(12).toString('base64');
  const clientFirstBare = `n=${user},r=${nonce}`;
  const first = Buffer.from(`n,,${clientFirstBare}`).toString('base64');
  client.send(profile === 'sasl'
    ? `<auth xmlns='${ns}' mechanism='SCRAM-SHA-256'>${first}</auth>`
    : `<authenticate xmlns='${ns}' mechanism='SCRAM-SHA-256'><initial-response>${first}</initial-response></authenticate>`);
  const challengeXml = await client.expect(/<\/challenge>/);
  const serverFirst = Buffer.from(/<challenge[^>]*>([^<]+)</.exec(challengeXml)![1]!, 'base64').toString();
  const attrs = Object.fromEntries(serverFirst.split(',').map((part) => [part[0], part.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.s!, 'base64'), Number(attrs.i), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = createHmac('sha256', storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!));
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const serverSignature = createHmac('sha256', serverKey).update(authMessage).digest('base64');
  client.send(`<response xmlns='${ns}'>${Buffer.from(`${withoutProof},p=${proof.toString('base64')}`).toString('base64')}</response>`);
  const outcome = await client.expect(profile === 'sasl' ? /<\/success>|<success[^>]*\/>|<\/failure>/ : /<\/stream:features>|<stream:features\/>|<\/failure>/, 10_000);
  return { outcome, serverSignature };
}
