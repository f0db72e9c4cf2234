/**
 * C2S_MAX_CONCURRENT_AUTH_PER_IP on the wire: one address may have that many
 * authentication attempts in progress; one more is answered <temporary-auth-failure/>
 * (RFC 6120 §6.5.12) and the stream stays open for a retry once a slot is free.
 * An attempt is kept in progress deterministically: a SCRAM exchange left at its challenge.
 */
import { after, before, describe, it } from 'node:test';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';

const SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';

let stack: TestStack;
let port: number;

before(async () => {
  stack = await startStack({ env: { C2S_MAX_CONCURRENT_AUTH_PER_IP: '1' } });
  port = stack.gateways[0]!.ports.c2s;
});
after(() => stack.stop());

describe('authentication attempts in progress from one address', () => {
  it('past C2S_MAX_CONCURRENT_AUTH_PER_IP get temporary-auth-failure; a new attempt is admitted once the first ends', async () => {
    const user = uniqueUser('concurrent');
    await stack.createAccount(user, 'pw');
    const first = (await securedClient(port)).client;
    const clientFirst = Buffer.from(`n,,n=${user},r=concurrencytestnonce`).toString('base64');
    first.send(`<auth xmlns='${SASL}' mechanism='SCRAM-SHA-256'>${clientFirst}</auth>`);
    await first.expect(/<\/challenge>/);

    const second = (await securedClient(port)).client;
    const plain = `<auth xmlns='${SASL}' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`;
    second.send(plain);
    await second.expect(/<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><temporary-auth-failure\/><\/failure>/);

    first.send(`<abort xmlns='${SASL}'/>`);
    await first.expect(/<aborted\/>/);
    second.send(plain);
    await second.expect(/<success/);
    first.close();
    second.close();
  });

  it('frees the slot when an attempt fails, too', async () => {
    const user = uniqueUser('concurrent');
    await stack.createAccount(user, 'pw');
    const first = (await securedClient(port)).client;
    first.send(`<auth xmlns='${SASL}' mechanism='PLAIN'>${plainResponse(user, 'wrong')}</auth>`);
    await first.expect(/<not-authorized\/>/);
    const second = (await securedClient(port)).client;
    // The account's failure holds this attempt (the login throttle), and still admits it.
    second.send(`<auth xmlns='${SASL}' mechanism='PLAIN'>${plainResponse(user, 'pw')}</auth>`);
    await second.expect(/<success/, 10_000);
    first.close();
    second.close();
  });
});
