/**
 * The login throttle and PLAIN's cost seen from the wire, on real gateway processes:
 * counts shared by two replicas, one count however the name is typed, the same hold for
 * a right and a wrong password, and PBKDF2 that does not stall other sessions.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawXmppClient } from '@gatehouse/testing';
import { startStack, uniqueUser, type TestStack } from './test-support/stack.ts';
import { plainResponse, securedClient } from './test-support/raw-session.ts';

let stack: TestStack;

before(async () => {
  // A million PBKDF2 rounds per stored key: the setting that made PLAIN stall a replica.
  stack = await startStack({ gateways: 2, env: { SCRAM_ITERATIONS: '1000000' } });
});
after(() => stack.stop());

const port = (gateway: number) => stack.gateways[gateway]!.ports.c2s;

/** One legacy PLAIN attempt on its own stream: what the server answered and after how long. */
async function plainAttempt(gateway: number, username: string, password: string): Promise<{ answer: string; ms: number }> {
  const { client } = await securedClient(port(gateway));
  const started = performance.now();
  client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(username, password)}</auth>`);
  const answer = await client.expect(/<\/failure>|<success[^>]*\/?>/, 20_000);
  const ms = performance.now() - started;
  client.close();
  return { answer, ms };
}

describe('login throttle across replicas', () => {
  it('holds a right and a wrong password alike once the account is throttled, whichever replica and spelling', async () => {
    const user = uniqueUser('alice');
    await stack.createAccount(user, 'right');
    const upper = user.toUpperCase();
    // Baseline: what an unthrottled answer costs here (PBKDF2 at a million rounds included).
    const baseline = await plainAttempt(1, `${user}`, 'wrong');
    assert.match(baseline.answer, /not-authorized/);
    // Two more failures on the other replica, spelled differently: the count is the account's.
    for (let i = 0; i < 2; i++) assert.match((await plainAttempt(0, upper, `wrong${i}`)).answer, /not-authorized/);
    // 3 failures: the next attempt is held 250 · 2² = 1000 ms before its outcome, whatever it is.
    const wrong = await plainAttempt(1, user, 'wrong-again');
    assert.match(wrong.answer, /not-authorized/);
    // The hold alone is the bound: PBKDF2 at a million rounds varies by hundreds of ms from
    // one attempt to the next here (the first on a replica is the slowest), so "baseline +
    // hold" would measure that noise rather than the hold.
    assert.ok(wrong.ms >= 950, `wrong answer held: ${wrong.ms.toFixed(0)} ms (baseline ${baseline.ms.toFixed(0)} ms)`);
    // 4 failures now: 2000 ms, and the right password waits them too.
    const right = await plainAttempt(1, user, 'right');
    assert.match(right.answer, /<success/);
    assert.ok(right.ms >= 1_950, `right answer held as long as a wrong one: ${right.ms.toFixed(0)} ms (baseline ${baseline.ms.toFixed(0)} ms)`);
    // The success cleared the account's count: no hold any more.
    const after = await plainAttempt(0, user, 'right');
    assert.match(after.answer, /<success/);
    assert.ok(after.ms < baseline.ms + 900, `count cleared: ${after.ms.toFixed(0)} ms`);
  });
});

describe('PLAIN and the event loop', () => {
  it('answers another session while PLAIN checks a password at a million PBKDF2 rounds', async () => {
    const user = uniqueUser();
    await stack.createAccount(user, 'pw');
    const other = await boundSession(user, 'pw');
    const guesser = uniqueUser('nobody');
    const { client } = await securedClient(port(0));
    const started = performance.now();
    client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(guesser, 'guess')}</auth>`);
    const answered = client.expect(/<\/failure>/, 20_000).then(() => performance.now() - started);
    // Ping while the unknown user's decoy verification runs (it costs the same as a real one).
    await new Promise((resolve) => setTimeout(resolve, 30));
    const pingStarted = performance.now();
    other.send(`<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>`);
    await other.expect(/id='p1'/);
    const pingMs = performance.now() - pingStarted;
    const verifyMs = await answered;
    client.close();
    other.close();
    assert.ok(verifyMs > 150, `the check did take time: ${verifyMs.toFixed(0)} ms`);
    assert.ok(pingMs < verifyMs / 3, `ping answered in ${pingMs.toFixed(0)} ms while PLAIN took ${verifyMs.toFixed(0)} ms`);
  });
});

async function boundSession(user: string, password: string): Promise<RawXmppClient> {
  const { client } = await securedClient(port(0));
  client.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plainResponse(user, password)}</auth>`);
  await client.expect(/<success/, 20_000);
  client.open();
  await client.expect(/<\/stream:features>/);
  client.send(`<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`);
  await client.expect(/id='b1'/);
  return client;
}
