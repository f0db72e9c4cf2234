import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { asyncApiDocument, asyncApiPath, renderAsyncApi } from './asyncapi.ts';
import { eventTypes, requests } from './index.ts';

describe('docs/asyncapi.yaml', () => {
  it('is up to date with the catalog (regenerate: npm run asyncapi -w @gatehouse/events)', () => {
    assert.equal(readFileSync(asyncApiPath, 'utf8'), renderAsyncApi());
  });

  it('has one message per event type, each referenced by its channel and operation', () => {
    const whole = parse(renderAsyncApi()) as Document;
    // The event channels and operations; the request/reply ones are checked below.
    const doc = {
      ...whole,
      channels: Object.fromEntries(Object.entries(whole.channels).filter(([, channel]) => channel.address?.endsWith('.{key}'))),
      operations: Object.fromEntries(Object.entries(whole.operations).filter(([, operation]) => operation.action === 'send')),
    };
    assert.equal(doc.asyncapi, '3.0.0');
    assert.deepEqual(Object.keys(doc.components.messages).sort(), [...eventTypes].sort());
    assert.equal(doc.channels.account?.address, '{namespace}.account.{key}');
    assert.equal(doc.channels.session?.address, '{namespace}.session.{key}');
    assert.equal(doc.channels.grant?.address, '{namespace}.grant.{key}');
    assert.equal(doc.channels['fast-token']?.address, '{namespace}.fast-token.{key}');
    assert.ok(doc.operations.fastTokenEvents, 'operation ids are identifiers');
    const inChannels = Object.values(doc.channels).flatMap((channel) => Object.keys(channel.messages));
    assert.deepEqual(inChannels.sort(), [...eventTypes].sort());
    const inOperations = Object.values(doc.operations).flatMap((operation) => operation.messages.map((m) => m.$ref));
    assert.equal(inOperations.length, eventTypes.length);
    assert.deepEqual(whole, JSON.parse(JSON.stringify(asyncApiDocument())));
  });

  it('describes every endpoint of the request catalog as a receive operation with its reply', () => {
    const doc = parse(renderAsyncApi()) as Document;
    const answered = Object.values(doc.operations).filter((operation) => operation.action === 'receive');
    assert.equal(answered.length, Object.keys(requests).length);
    for (const name of Object.keys(requests)) {
      assert.equal(doc.channels[name]?.address, `{namespace}.${name}`);
      assert.equal(doc.channels[`${name}.reply`]?.address, null, 'the reply goes to the requester\'s inbox');
    }
    const exists = doc.operations.tokenAccountExists;
    assert.deepEqual(exists?.channel, { $ref: '#/channels/token.account.exists' });
    assert.deepEqual(exists?.reply, {
      channel: { $ref: '#/channels/token.account.exists.reply' },
      messages: [{ $ref: '#/channels/token.account.exists.reply/messages/reply' }],
    });
  });
});

interface Document {
  asyncapi: string;
  channels: Record<string, { address: string | null; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[]; reply?: unknown }>;
  components: { messages: Record<string, { payload: unknown }> };
}
