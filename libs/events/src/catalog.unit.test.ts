import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregates,
  createEvent,
  eventTypes,
  isAccountEvent,
  isEventType,
  isSessionEvent,
  jsonSchemas,
  namesFor,
} from './index.ts';

describe('catalog', () => {
  it('lists every registered type once, derived from the aggregates', () => {
    const registered = aggregates.flatMap((aggregate) => Object.keys(aggregate.events));
    assert.deepEqual([...eventTypes], registered);
    assert.equal(new Set(eventTypes).size, eventTypes.length);
    assert.ok(eventTypes.includes('gatehouse.session.stream-closed.v1'));
  });

  it('names types gatehouse.<aggregate>.<past-tense-kebab>.v<n> and stores them in a known stream', () => {
    const streams = Object.keys(namesFor('gatehouse').streams);
    for (const aggregate of aggregates) {
      assert.ok(streams.includes(aggregate.stream), aggregate.stream);
      for (const type of Object.keys(aggregate.events)) {
        assert.match(type, new RegExp(`^gatehouse\\.${aggregate.name}\\.[a-z]+(-[a-z]+)*\\.v[1-9][0-9]*$`));
      }
    }
  });

  it('derives guards from the schemas', () => {
    const deleted = createEvent('gatehouse.account.deleted.v1', { subject: 's', source: 't', data: { jid: 'a@b.c' } });
    assert.equal(isAccountEvent(deleted), true);
    assert.equal(isSessionEvent(deleted), false);
    assert.equal(isEventType('gatehouse.account.deleted.v1'), true);
    assert.equal(isEventType('gatehouse.account.deleted.v2'), false);
  });

  it('has a JSON Schema per type that pins the type and requires the envelope', () => {
    const schemas = jsonSchemas();
    assert.deepEqual(Object.keys(schemas), [...eventTypes]);
    for (const type of eventTypes) {
      const schema = schemas[type] as { properties: Record<string, { const?: string }>; required: string[] };
      assert.equal(schema.properties.type?.const, type);
      for (const field of ['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data']) {
        assert.ok(schema.required.includes(field), `${type} requires ${field}`);
      }
    }
  });

  it('never carries a password or token field', () => {
    // Field names at every depth. Values may say 'password' (grant authenticatedBy) without carrying one.
    const fields: string[] = [];
    const collect = (schema: unknown): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const { properties } = schema as { properties?: Record<string, unknown> };
      if (properties) fields.push(...Object.keys(properties).map((field) => field.toLowerCase()));
      Object.values(schema).forEach(collect);
    };
    collect(jsonSchemas());
    assert.ok(fields.includes('tokenhash'), 'walks into data');
    for (const field of fields) {
      assert.ok(!['token', 'secret'].includes(field) && !/password|secret|proof/.test(field), `field ${field}`);
    }
  });
});
