/**
 * @xmpp/client 0.14 with its own SASL2, Bind 2 and FAST support against the gateway,
 * and what happens when the token service dies in the middle of logins.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from '@gatehouse/bus';
import { startServiceProcess } from '@gatehouse/testing';
import { connectClient } from './test-support/xmpp-client.ts';
import { securedClient, plainAuthenticate } from './test-support/raw-session.ts';
import { startStack, uniqueUser, tokenMain, type TestStack } from './test-support/stack.ts';

let stack: TestStack;
let service: string;

before(async () => {
  stack = await startStack();
  service = `xmpp://127.0.0.1:${stack.gateways[0]!.ports.c2s}`;
});
after(() => stack.stop());

describe('@xmpp/client with SASL2, Bind 2 and FAST', () => {
  it('gets a FAST token with the password, then logs in with the token alone', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const clientId = randomUUID();
    const first = await connectClient({ service, username: user, password: 'pw', resource: 'phone', clientId });
    const token = first.fastToken();
    assert.ok(token, 'the server issued a token on the password login');
    assert.equal(token.mechanism, 'HT-SHA-256-NONE');
    await first.stop();

    const second = await connectClient({ service, username: user, resource: 'phone', clientId, fastToken: token });
    assert.equal(second.jid, first.jid, 'Bind 2 gives the same client the same resource');
    await second.stop();
  });

  it('refuses a token after the password changed, and the client falls back to nothing', async () => {
    const user = uniqueUser();
    const jid = await stack.createAccount(user, 'pw');
    const clientId = randomUUID();
    const first = await connectClient({ service, username: user, password: 'pw', clientId });
    const token = first.fastToken()!;
    await first.stop();
    await request(stack.nc, `${stack.ns}.token.account.password`, { jid, password: 'new' });
    await assert.rejects(connectClient({ service, username: user, clientId, fastToken: token }));
  });
});

describe('the token service dies mid-login', () => {
  it('fails logins cleanly with temporary-auth-failure, keeps the stream, and recovers', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const { client } = await securedClient(stack.gateways[0]!.ports.c2s);
    await stack.token.stop('SIGKILL');
    client.send(plainAuthenticate(user, 'pw'));
    assert.match(
      await client.expect(/<\/failure>/, 10_000),
      /<failure xmlns='urn:xmpp:sasl:2'><temporary-auth-failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'\/>/,
    );
    stack.token = await startServiceProcess(tokenMain, stack.env);
    client.send(plainAuthenticate(user, 'pw'));
    assert.match(await client.expect(/<\/success>/, 10_000), /<success xmlns='urn:xmpp:sasl:2'>/);
    client.close();
  });
});
