import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountListing } from './account-listing/projection.ts';
import { clientActivity } from './client-listing/activity.ts';
import { clientListing } from './client-listing/projection.ts';
import { defineProjection, projectionGroup, ProjectionDefinitionError } from './projection.ts';

const reset = async () => {};
const noop = async () => {};

describe('defineProjection', () => {
  it('derives the handled types and the stream from the handler map', () => {
    assert.equal(accountListing.stream, 'accounts');
    assert.deepEqual([...accountListing.handles].sort(), [
      'gatehouse.account.created.v1',
      'gatehouse.account.deleted.v1',
      'gatehouse.account.password-changed.v1',
    ]);
  });

  it('refuses handlers spanning two streams', () => {
    assert.throws(
      () => defineProjection({ name: 'mixed', reset, handlers: { 'gatehouse.account.created.v1': noop, 'gatehouse.session.ended.v1': noop } }),
      ProjectionDefinitionError,
    );
  });

  it('refuses a projection without handlers', () => {
    assert.throws(() => defineProjection({ name: 'empty', reset, handlers: {} }), ProjectionDefinitionError);
  });

  it('refuses a name that cannot name a durable consumer', () => {
    assert.throws(() => defineProjection({ name: 'account.listing', reset, handlers: { 'gatehouse.account.created.v1': noop } }), ProjectionDefinitionError);
  });

  it('groups the projections that share rows, the shared one first', () => {
    const all = [clientActivity, accountListing, clientListing];
    assert.deepEqual(projectionGroup(all, 'client-activity').map(({ name }) => name), ['client-listing', 'client-activity']);
    assert.deepEqual(projectionGroup(all, 'client-listing').map(({ name }) => name), ['client-listing', 'client-activity']);
    assert.deepEqual(projectionGroup(all, 'account-listing').map(({ name }) => name), ['account-listing']);
    assert.equal(clientActivity.stream, 'sessions');
  });
});
