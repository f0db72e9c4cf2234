import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { asyncApiDocument, asyncApiPath, renderAsyncApi } from './asyncapi.ts';
import { eventTypes } from './index.ts';

describe('docs/asyncapi.yaml', () => {
  it('is up to date with the catalog (regenerate: npm run asyncapi -w @gatehouse/events)', () => {
    assert.equal(readFileSync(asyncApiPath, 'utf8'), renderAsyncApi());
  });

  it('has one message per event type, each referenced by its channel and operation', () => {
    const doc = parse(renderAsyncApi()) as {
      asyncapi: string;
      channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
      operations: Record<string, { channel: { $ref: string }; messages: { $ref: string }[] }>;
      components: { messages: Record<string, { payload: unknown }> };
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
    assert.deepEqual(doc, JSON.parse(JSON.stringify(asyncApiDocument())));
  });
});
