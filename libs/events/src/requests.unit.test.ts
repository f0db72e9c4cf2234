import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRequestName, namesFor, requests, requestSubject } from './index.ts';

describe('request catalog', () => {
  const names = namesFor('t1');
  const groups: Record<string, string> = {
    token: names.services.token,
    clients: names.services.clientRegistry,
    projections: names.services.projections,
    'roster-sync': names.services.rosterSync,
  };

  it("names every endpoint <service>.<endpoint>, whose subject is the service's group and the endpoint", () => {
    for (const name of Object.keys(requests)) {
      assert.ok(isRequestName(name));
      const service = name.slice(0, name.indexOf('.'));
      assert.ok(groups[service], `${name}: a service of namesFor().services`);
      assert.equal(requestSubject('t1', name), `${groups[service]}.${name.slice(service.length + 1)}`);
    }
    assert.equal(isRequestName('token.nothing'), false);
  });

  it('takes a cursor in every paged request and gives a next in every paged reply', () => {
    for (const [name, spec] of Object.entries(requests)) {
      if (!('paged' in spec)) continue;
      const reply = spec.reply.safeParse({ items: [], broadcast: [], probe: [], pending: [], version: 1, next: 'c' });
      assert.ok(reply.success && (reply.data as { next?: string }).next === 'c', name);
    }
  });

  it('bounds requests and checks only the shape of replies', () => {
    assert.equal(requests['token.account.exists'].request.safeParse({ jid: 'x'.repeat(4000) }).success, false);
    const stored = { jid: 'a@b', groups: Array.from({ length: 300 }, (_, i) => `g${i}`), subscription: 'both', ask: false, approved: false };
    assert.ok(requests['roster-sync.roster.get'].reply.safeParse({ version: 1, items: [stored] }).success, 'a roster stored over today\'s limits is still read');
  });
});
