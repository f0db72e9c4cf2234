import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusUnavailableError, ServiceError, ServiceUnavailableError } from '@gatehouse/bus';
import { JidMalformedError } from '@gatehouse/xmpp';
import { UsageError } from '../errors.ts';
import type { ResolvedUserCommand } from './commands.ts';
import { describeFailure } from './messages.ts';

const natsUrl = 'nats://127.0.0.1:4222';
const create: ResolvedUserCommand = { action: 'create', jid: 'alice@localhost', password: 'pw' };
const describeFor = (error: unknown, command: ResolvedUserCommand = create) => describeFailure(error, { natsUrl, command });

describe('describeFailure', () => {
  it('says an existing user exists and an unknown user does not', () => {
    assert.equal(describeFor(new ServiceError('account-exists', 'account alice@localhost already exists')), 'user alice@localhost already exists');
    assert.equal(
      describeFor(new ServiceError('account-not-found', 'x'), { action: 'delete', jid: 'bob@localhost' }),
      'user bob@localhost does not exist',
    );
  });

  it('says what is wrong with a JID', () => {
    assert.equal(
      describeFor(new JidMalformedError('a@@b', 'forbidden character in localpart')),
      'malformed JID "a@@b": forbidden character in localpart',
    );
    assert.equal(
      describeFor(new ServiceError('host-unknown', 'this server serves localhost, not example.org'), { ...create, jid: 'alice@example.org' }),
      'cannot create user alice@example.org: this server serves localhost, not example.org',
    );
  });

  it('tells how to get NATS and the token service running', () => {
    assert.equal(
      describeFor(new BusUnavailableError(natsUrl)),
      'cannot reach NATS at nats://127.0.0.1:4222: start the stack with `npm start` or set NATS_URL',
    );
    assert.equal(describeFor(new ServiceUnavailableError('gatehouse.token.account.create')), 'the token service is not answering: is `npm start` running?');
  });

  it('passes other refusals and failures on', () => {
    assert.equal(describeFor(new ServiceError('bad-request', 'password: too long'), { action: 'list' }), 'cannot list users: password: too long');
    assert.equal(describeFor(new UsageError('the password is empty', 'usage')), 'the password is empty');
    assert.equal(describeFor(new TypeError('boom')), 'unexpected failure: boom');
  });
});
