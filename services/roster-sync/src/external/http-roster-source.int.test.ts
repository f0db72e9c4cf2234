/** The roster web app over real HTTP on 127.0.0.1: good answers, and every way it fails. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startRosterWebApp, type RosterWebApp } from '@gatehouse/testing';
import { RosterFetchError } from '../errors.ts';
import { httpRosterSource, type ExternalRosterSource } from './http-roster-source.ts';

describe('httpRosterSource', () => {
  let app: RosterWebApp;
  let source: ExternalRosterSource;
  before(async () => {
    app = await startRosterWebApp({ slowMs: 2_000 });
    source = httpRosterSource({ urlTemplate: app.urlTemplate, timeoutMs: 300, maxBytes: 4_096, domain: 'example.com' });
  });
  after(() => app.stop());

  it('reads the seed format: names, groups as a list or as object keys, subscription both by default', async () => {
    app.behave('ok');
    app.setRoster('john', {
      'Marie@Example.com': { name: 'Marie', groups: ['Friends', 'Friends', ''] },
      'michael@example.com': { name: 'Michael', groups: { Work: true } },
      'aaron@example.com': { subscription: 'to' },
      'john@example.com': { name: 'myself' },
      'nobody@example.com': null,
    });
    assert.deepEqual(await source.fetch('john'), [
      { jid: 'marie@example.com', name: 'Marie', groups: ['Friends'], subscription: 'both', ask: false, approved: false },
      { jid: 'michael@example.com', name: 'Michael', groups: ['Work'], subscription: 'both', ask: false, approved: false },
      { jid: 'aaron@example.com', groups: [], subscription: 'to', ask: false, approved: false },
      { jid: 'nobody@example.com', groups: [], subscription: 'both', ask: false, approved: false },
    ]);
  });

  it('URL-encodes the username into the %s of the URL', async () => {
    app.behave('ok');
    await source.fetch('a b/c');
    assert.equal(app.requests.at(-1), '/contacts/a%20b%2Fc');
  });

  it('fails clearly when the app is slow, answers 500, answers garbage, or is down', async () => {
    const fails = async (pattern: RegExp) => assert.rejects(source.fetch('john'), (error: Error) => error instanceof RosterFetchError && pattern.test(error.message));
    app.behave('slow');
    await fails(/did not answer within 300 ms/);
    app.behave('error');
    await fails(/HTTP 500/);
    app.behave('garbage');
    await fails(/other than JSON/);
    app.behave('ok');
    app.setRoster('john', { 'not a jid@': {} });
    await fails(/not a JID/);
    app.setRoster('john', { 'a@b.c': { name: 42 } });
    await fails(/not an object of contacts/);
    app.setRoster('john', { 'a@b.c': { name: 'x'.repeat(5_000) } });
    await fails(/larger than 4096 bytes/);
    await app.down();
    await fails(/unreachable/);
    await app.restart();
    app.setRoster('john', {});
    assert.deepEqual(await source.fetch('john'), []);
  });
});
