import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamError } from '@gatehouse/xmpp';
import { AddressSlots } from '../auth/address-slots.ts';
import { LabelledCounter } from '../http/labelled-counter.ts';
import type { Transport } from '../transports/transport.ts';
import { C2sSession, type SessionDeps } from './session.ts';

/** A session with only what ending a stream touches: a transport, a log, the counter, events. */
function sessionOn(kind: Transport['kind'], unauthenticatedConnections = new AddressSlots(32)) {
  const lines: Array<Record<string, unknown>> = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ ...fields, level, msg });
  const logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: () => logger };
  const sent: string[] = [];
  const transport = {
    kind,
    remoteAddress: '192.0.2.7',
    secure: true,
    canStartTls: false,
    openStream: () => sent.push('<stream:stream>'),
    send: (xml: string) => sent.push(xml),
    streamErrorXml: (condition: string, text?: string) => `<stream:error><${condition}/>${text ?? ''}</stream:error>`,
    closeStream: () => sent.push('</stream:stream>'),
  } as unknown as Transport;
  const streamErrors = new LabelledCounter('stream_errors_total', 'condition');
  const deps = {
    domain: 'localhost',
    limits: { preAuthStanzaBytes: 8192, stanzaBytes: 262_144, authTimeoutMs: 60_000, maxAuthFailures: 3 },
    logger,
    streamErrors,
    events: {},
    unauthenticatedConnections,
  } as unknown as SessionDeps;
  return { session: new C2sSession(transport, deps), lines, streamErrors, sent };
}

describe('C2sSession: a stream error', () => {
  it('is logged at info with condition, text, transport and remote address, and counted', async () => {
    const { session, lines, streamErrors, sent } = sessionOn('websocket');
    session.streamFault(new StreamError('restricted-xml', '1:243: an XML declaration must be at the start of the document.'));
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((l) => l.msg === 'stream error');
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line.level, 'info');
    assert.equal(line.condition, 'restricted-xml');
    assert.equal(line.text, '1:243: an XML declaration must be at the start of the document.');
    assert.equal(line.transport, 'websocket');
    assert.equal(line.clientIp, '192.0.2.7');
    assert.deepEqual(streamErrors.samples(), { 'stream_errors_total{condition="restricted-xml"}': 1 });
    assert.match(sent.join(''), /<stream:error><restricted-xml\/>/);
  });

  it('is logged and counted once per stream', async () => {
    const { session, lines, streamErrors } = sessionOn('tcp');
    session.streamFault(new StreamError('policy-violation', 'too big'));
    session.streamFault(new StreamError('not-well-formed', 'late'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.filter((l) => l.msg === 'stream error').length, 1);
    assert.deepEqual(streamErrors.samples(), { 'stream_errors_total{condition="policy-violation"}': 1 });
  });
});

describe('C2sSession: unauthenticated connections per address', () => {
  it('closes a connection past the cap with policy-violation, and frees the slot when one ends', async () => {
    const slots = new AddressSlots(1);
    const first = sessionOn('tcp', slots);
    const second = sessionOn('tcp', slots);
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(second.sent.join(''), /<stream:error><policy-violation\/>too many unauthenticated connections/);
    assert.equal(first.sent.length, 0, 'the first connection is untouched');
    first.session.closed();
    await new Promise((resolve) => setImmediate(resolve));
    const third = sessionOn('tcp', slots);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(third.sent.length, 0, 'a slot freed by a closed connection is reused');
  });
});
