import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BusUnavailableError, ServiceError, ServiceUnavailableError } from '@gatehouse/bus';
import { JidMalformedError } from '@gatehouse/xmpp';
import { parseUserArgs } from './args.ts';
import { describeClientFailure, runClientCommand, type ClientServices } from './clients.ts';
import { clientsTable, formatWhen, type ListedClient } from './clients-table.ts';

const now = new Date(2025, 2, 10, 12, 0, 0);
const local = (days: number, hours = 0) => new Date(now.getTime() - days * 86_400_000 - hours * 3_600_000).toISOString();
const phone: ListedClient = {
  id: 'client/phone',
  type: 'session',
  connected: true,
  firstSeen: local(30),
  lastSeen: local(0, 2),
  auth: ['password', 'fast'],
  userAgent: { software: 'Conversations', device: 'Pixel 8' },
};
const app: ListedClient = { id: 'grant/HjEEr45_LQr', type: 'access', connected: false, firstSeen: local(9), lastSeen: local(3), auth: ['grant'], userAgent: {} };

describe('user clients / revoke-client arguments', () => {
  it('reads clients <jid>, revoke-client and revoke_client <jid> <id>', () => {
    assert.deepEqual(parseUserArgs(['clients', 'alice@localhost']), { action: 'clients', jid: 'alice@localhost' });
    assert.deepEqual(parseUserArgs(['revoke-client', 'alice@localhost', 'client/phone']), { action: 'revoke-client', jid: 'alice@localhost', id: 'client/phone' });
    assert.deepEqual(parseUserArgs(['revoke_client', 'alice@localhost', 'grant/x']), { action: 'revoke-client', jid: 'alice@localhost', id: 'grant/x' });
  });

  it('refuses missing operands', () => {
    assert.throws(() => parseUserArgs(['clients']), /exactly one JID/);
    assert.throws(() => parseUserArgs(['revoke-client', 'alice@localhost']), /a JID and a client id/);
    assert.throws(() => parseUserArgs(['revoke_client', 'a@b', 'x', 'y']), /a JID and a client id/);
  });
});

describe('clients table', () => {
  it('shows a time within a day, a date beyond (local time, as Prosody)', () => {
    assert.equal(formatWhen(new Date(2025, 2, 10, 9, 5, 7).toISOString(), now), '09:05:07');
    assert.equal(formatWhen(new Date(2025, 1, 3, 9, 5, 7).toISOString(), now), '2025-02-03');
  });

  it('lays out id, software, device, last seen, authentication, connected', () => {
    assert.deepEqual(clientsTable([phone, app], now), [
      'ID                 Software       Device   Last seen   Authentication  Connected',
      '--------------------------------------------------------------------------------',
      'client/phone       Conversations  Pixel 8  10:00:00    fast, password  yes',
      'grant/HjEEr45_LQr                          2025-03-07  grant           no',
      '--------------------------------------------------------------------------------',
      '2 clients',
    ]);
  });

  it('says so when nothing has access', () => {
    assert.deepEqual(clientsTable([], now), ['No clients associated with this account']);
  });
});

describe('runClientCommand', () => {
  const services = (over: Partial<ClientServices> = {}) => {
    const calls: string[] = [];
    const fake: ClientServices = {
      list: async (jid) => {
        calls.push(`list ${jid}`);
        return [phone];
      },
      revoke: async (jid, id) => void calls.push(`revoke ${jid} ${id}`),
      ...over,
    };
    return { fake, calls };
  };

  it('lists and revokes for the normalised JID', async () => {
    const { fake, calls } = services();
    assert.equal((await runClientCommand({ action: 'clients', jid: 'Alice@Localhost' }, fake, now)).at(-1), '1 clients');
    assert.deepEqual(await runClientCommand({ action: 'revoke-client', jid: 'alice@localhost', id: 'client/phone' }, fake, now), ['Client access revoked']);
    assert.deepEqual(calls, ['list alice@localhost', 'revoke alice@localhost client/phone']);
  });

  it('refuses a bad JID before asking anything', async () => {
    const { fake, calls } = services();
    await assert.rejects(runClientCommand({ action: 'clients', jid: 'alice@localhost/phone' }, fake, now), JidMalformedError);
    assert.deepEqual(calls, []);
  });

  it('says what went wrong in the protocol’s words', () => {
    const context = { natsUrl: 'nats://127.0.0.1:4222', command: { action: 'revoke-client' as const, jid: 'alice@localhost', id: 'client/x' } };
    assert.equal(describeClientFailure(new ServiceError('item-not-found', 'Client not found'), context), 'Client not found');
    assert.equal(describeClientFailure(new ServiceError('password-reset-required', 'x'), context), 'Password reset required');
    assert.equal(describeClientFailure(new ServiceError('account-not-found', 'x'), context), 'user alice@localhost does not exist');
    assert.equal(describeClientFailure(new ServiceUnavailableError('s'), context), 'the client registry is not answering: is `npm start` running?');
    assert.equal(
      describeClientFailure(new ServiceUnavailableError('s'), { ...context, command: { action: 'clients', jid: 'alice@localhost' } }),
      'the projections service is not answering: is `npm start` running?',
    );
    assert.match(describeClientFailure(new BusUnavailableError('nats://x'), context), /^cannot reach NATS/);
  });
});
