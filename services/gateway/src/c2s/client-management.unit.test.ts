import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml, { type Element } from '@xmpp/xml';
import {
  answerClientManagement,
  isClientManagementIq,
  NS_CAM,
  NS_MANAGE_CLIENTS,
  refuseForeignClientManagement,
  type ClientEntry,
  type ClientManagementContext,
} from './client-management.ts';

const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const me = 'juliet@capulet.lit';

const gajim: ClientEntry = {
  id: 'client/zeiP41HLglIu',
  type: 'session',
  connected: true,
  firstSeen: '2023-04-06T14:26:08.000Z',
  lastSeen: '2023-04-06T14:37:25.123Z',
  auth: ['fast', 'password'],
  userAgent: { software: 'Gajim', uri: 'https://gajim.org/', device: "Juliet's laptop" },
};
const rest: ClientEntry = {
  id: 'grant/HjEEr45_LQr',
  type: 'access',
  connected: false,
  firstSeen: '2023-03-27T15:16:09.000Z',
  lastSeen: '2023-03-27T15:37:24.000Z',
  auth: ['grant'],
  userAgent: {},
};

function context(over: Partial<ClientManagementContext> = {}) {
  const calls: string[] = [];
  const ctx: ClientManagementContext = {
    accountJid: me,
    list: async (jid) => {
      calls.push(`list ${jid}`);
      return [gajim, rest];
    },
    revoke: async (jid, id) => void calls.push(`revoke ${jid} ${id}`),
    ...over,
  };
  return { ctx, calls };
}

const iq = (type: string, ...children: Element[]) => xml('iq', { xmlns: 'jabber:client', type, id: 'p' }, ...children);
const list = (ns = NS_MANAGE_CLIENTS) => iq('get', xml('list', { xmlns: ns }));
const revoke = (id?: string, ns = NS_MANAGE_CLIENTS) => iq('set', xml('revoke', { xmlns: ns, ...(id === undefined ? {} : { id }) }));
const coded = (code: string) => Object.assign(new Error(code), { code });

function errorOf(reply: Element | undefined) {
  const error = reply?.getChild('error');
  const condition = error?.children.find((child): child is Element => typeof child !== 'string' && child.getNS() === STANZAS && child.name !== 'text');
  return { type: error?.attrs.type, condition: condition?.name, text: error?.getChildText('text', STANZAS), error };
}

describe('client management: listing (xmpp:prosody.im/protocol/manage-clients)', () => {
  it('answers <list/> with the clients of the account, as the seed shows them', async () => {
    const { ctx, calls } = context();
    const reply = await answerClientManagement(list(), ctx);
    assert.deepEqual(calls, [`list ${me}`]);
    assert.equal(
      reply?.toString(),
      xml(
        'iq',
        { xmlns: 'jabber:client', type: 'result', id: 'p' },
        xml(
          'clients',
          { xmlns: NS_MANAGE_CLIENTS },
          xml(
            'client',
            { id: 'client/zeiP41HLglIu', connected: 'true', type: 'session' },
            xml('first-seen', {}, '2023-04-06T14:26:08Z'),
            xml('last-seen', {}, '2023-04-06T14:37:25Z'),
            xml('auth', {}, xml('password'), xml('fast')),
            xml('user-agent', {}, xml('software', {}, 'Gajim'), xml('uri', {}, 'https://gajim.org/'), xml('device', {}, "Juliet's laptop")),
          ),
          xml(
            'client',
            { id: 'grant/HjEEr45_LQr', connected: 'false', type: 'access' },
            xml('first-seen', {}, '2023-03-27T15:16:09Z'),
            xml('last-seen', {}, '2023-03-27T15:37:24Z'),
            xml('auth', {}, xml('grant')),
            xml('user-agent'),
          ),
        ),
      ).toString(),
    );
  });

  it('answers an empty <clients/> when nothing has access', async () => {
    const reply = await answerClientManagement(list(), context({ list: async () => [] }).ctx);
    assert.equal(reply?.getChild('clients', NS_MANAGE_CLIENTS)?.children.length, 0);
  });

  it("shows the asking client connected even before the listing has seen its session", async () => {
    const offline = { ...gajim, connected: false };
    const { ctx } = context({ ownClientId: 'zeiP41HLglIu', list: async () => [offline, { ...rest, id: 'client/other' }] });
    const reply = await answerClientManagement(list(), ctx);
    const connected = reply?.getChild('clients', NS_MANAGE_CLIENTS)?.getChildren('client').map((client) => [client.attrs.id, client.attrs.connected]);
    assert.deepEqual(connected, [['client/zeiP41HLglIu', 'true'], ['client/other', 'false']]);
  });

  it('says internal-server-error (wait) when the listing does not answer', async () => {
    const reply = await answerClientManagement(list(), context({ list: async () => Promise.reject(coded('unavailable')) }).ctx);
    assert.deepEqual({ ...errorOf(reply), error: undefined }, { type: 'wait', condition: 'internal-server-error', text: 'Unable to list clients', error: undefined });
  });
});

describe('client management: XEP-0494 (urn:xmpp:cam:0)', () => {
  it('lists with <permission status/> and a <software/> always present', async () => {
    const reply = await answerClientManagement(list(NS_CAM), context().ctx);
    const clients = reply?.getChild('clients', NS_CAM)?.getChildren('client') ?? [];
    assert.equal(clients.length, 2);
    assert.deepEqual(
      clients[0]?.children.map((child) => (typeof child === 'string' ? child : child.name)),
      ['first-seen', 'last-seen', 'auth', 'permission', 'user-agent'],
    );
    assert.equal(clients[0]?.getChild('permission')?.attrs.status, 'unrestricted');
    assert.equal(clients[1]?.getChild('user-agent')?.toString(), '<user-agent><software/></user-agent>');
  });

  it('revokes, and reports password-reset-required in its own namespace', async () => {
    const { ctx, calls } = context({ revoke: async () => Promise.reject(coded('password-reset-required')) });
    const reply = await answerClientManagement(revoke('HjEEr45_LQr', NS_CAM), ctx);
    const { type, condition, error } = errorOf(reply);
    assert.deepEqual([type, condition], ['cancel', 'service-unavailable']);
    assert.ok(error?.getChild('password-reset-required', NS_CAM));
    assert.deepEqual(calls, []);
  });
});

describe('client management: revoking', () => {
  it('revokes the id for the authenticated account and answers an empty result', async () => {
    const { ctx, calls } = context();
    const reply = await answerClientManagement(revoke('grant/HjEEr45_LQr'), ctx);
    assert.equal(reply?.toString(), `<iq xmlns="jabber:client" type="result" id="p"/>`);
    assert.deepEqual(calls, [`revoke ${me} grant/HjEEr45_LQr`]);
  });

  it('maps the registry refusals to the errors mod_client_management answers', async () => {
    const cases: [string, { type: string; condition: string; text: string }][] = [
      ['item-not-found', { type: 'cancel', condition: 'item-not-found', text: 'Client not found' }],
      ['password-reset-required', { type: 'cancel', condition: 'service-unavailable', text: 'Password reset required' }],
      ['unavailable', { type: 'wait', condition: 'internal-server-error', text: 'Unable to revoke client access' }],
      ['internal', { type: 'wait', condition: 'internal-server-error', text: 'Unable to revoke client access' }],
    ];
    for (const [code, expected] of cases) {
      const reply = await answerClientManagement(revoke('client/x'), context({ revoke: async () => Promise.reject(coded(code)) }).ctx);
      const { error, ...seen } = errorOf(reply);
      assert.deepEqual(seen, expected, code);
      assert.equal(reply?.attrs.id, 'p');
      assert.equal(Boolean(error?.getChild('password-reset-required', NS_MANAGE_CLIENTS)), code === 'password-reset-required');
    }
  });

  it('passes malformed and unknown ids on: the registry answers item-not-found', async () => {
    const { ctx, calls } = context();
    await answerClientManagement(revoke(''), ctx);
    await answerClientManagement(revoke('no-slash'), ctx);
    assert.deepEqual(calls, [`revoke ${me} `, `revoke ${me} no-slash`]);
  });
});

describe('client management: bad requests', () => {
  const badRequest = async (stanza: Element) => {
    const { ctx, calls } = context();
    const reply = await answerClientManagement(stanza, ctx);
    assert.equal(errorOf(reply).condition, 'bad-request', stanza.toString().slice(0, 120));
    assert.equal(errorOf(reply).type, 'modify');
    assert.deepEqual(calls, [], 'nothing was asked');
  };

  it('refuses the wrong IQ type for each request', async () => {
    await badRequest(iq('set', xml('list', { xmlns: NS_MANAGE_CLIENTS })));
    await badRequest(iq('get', xml('revoke', { xmlns: NS_MANAGE_CLIENTS, id: 'client/x' })));
  });

  it('refuses a revoke without an id, with an absurd id, or with content', async () => {
    await badRequest(revoke());
    await badRequest(revoke(`client/${'x'.repeat(1200)}`));
    await badRequest(iq('set', xml('revoke', { xmlns: NS_CAM, id: 'client/x' }, xml('reason', {}, 'because'))));
  });

  it('refuses a huge list request: many children, or text', async () => {
    await badRequest(iq('get', xml('list', { xmlns: NS_MANAGE_CLIENTS }, ...Array.from({ length: 5000 }, (_, n) => xml('item', { n: String(n) })))));
    await badRequest(iq('get', xml('list', { xmlns: NS_CAM }, 'x'.repeat(100_000))));
    await badRequest(iq('get', xml('list', { xmlns: NS_CAM, padding: 'x'.repeat(5000) })));
  });

  it('refuses an IQ with a second child', async () => {
    await badRequest(iq('get', xml('list', { xmlns: NS_MANAGE_CLIENTS }), xml('list', { xmlns: NS_CAM })));
  });
});

describe('client management: what is not ours', () => {
  it('leaves other IQs, results and errors to the caller', async () => {
    const { ctx, calls } = context();
    assert.equal(await answerClientManagement(iq('get', xml('query', { xmlns: 'jabber:iq:roster' })), ctx), undefined);
    assert.equal(await answerClientManagement(iq('get', xml('other', { xmlns: NS_MANAGE_CLIENTS })), ctx), undefined);
    assert.equal(await answerClientManagement(iq('result', xml('list', { xmlns: NS_MANAGE_CLIENTS })), ctx), undefined);
    assert.equal(await answerClientManagement(iq('get'), ctx), undefined);
    assert.deepEqual(calls, []);
    assert.equal(isClientManagementIq(list(NS_CAM)), true);
    assert.equal(isClientManagementIq(iq('error', xml('list', { xmlns: NS_CAM }))), false);
  });

  it("answers a request to another account's bare JID with forbidden (auth)", () => {
    const foreign = xml('iq', { xmlns: 'jabber:client', type: 'get', id: 'x', from: `${me}/balcony`, to: 'romeo@montague.lit' }, xml('list', { xmlns: NS_CAM }));
    const reply = refuseForeignClientManagement(foreign);
    assert.deepEqual([errorOf(reply).type, errorOf(reply).condition], ['auth', 'forbidden']);
    assert.equal(reply?.attrs.to, `${me}/balcony`);
    assert.equal(reply?.attrs.from, 'romeo@montague.lit');
    assert.equal(refuseForeignClientManagement(iq('get', xml('query', { xmlns: 'jabber:iq:version' }))), undefined);
  });
});
