/**
 * @xmpp/client 0.14 exactly as applications ship it (none of the test helper's
 * workarounds) logging in over direct TLS (XEP-0368), the sequence that timed out:
 * a session of the account open, a wrong password and an unknown user from the same
 * address, then the right login. See transports/stream-transport.ts (holdFirstAnswer).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { client as xmppClient } from '@xmpp/client';
import { connectClient } from './test-support/xmpp-client.ts';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';

let stack: TestStack;

before(async () => {
  stack = await startStack();
});
after(() => stack.stop());

/** start() with the client's own 2 s step timeout; resolves with how it ended. */
async function shippedLogin(service: string, username: string, password: string): Promise<'online' | string> {
  const xmpp = xmppClient({ service, domain: 'localhost', username, password });
  xmpp.reconnect.stop();
  xmpp.on('error', () => {});
  try {
    await xmpp.start();
    return 'online';
  } catch (error) {
    return (error as { condition?: string }).condition ?? (error as Error).name;
  } finally {
    await xmpp.stop().catch(() => {});
  }
}

describe('@xmpp/client 0.14 over direct TLS, unpatched', () => {
  it('logs in every time after a wrong password and an unknown user from the same address', async () => {
    const service = `xmpps://127.0.0.1:${stack.gateways[0]!.ports.c2sTls}`;
    const outcomes: string[] = [];
    for (let run = 0; run < 6; run++) {
      const user = uniqueUser();
      await stack.createAccount(user, 'secret');
      const open = await connectClient({ service, username: user, password: 'secret' });
      assert.equal(await shippedLogin(service, user, 'wrong'), 'not-authorized');
      assert.equal(await shippedLogin(service, uniqueUser('nobody'), 'secret'), 'not-authorized');
      outcomes.push(await shippedLogin(service, user, 'secret'));
      await open.stop();
    }
    assert.deepEqual(outcomes, Array(6).fill('online'));
  });
});
