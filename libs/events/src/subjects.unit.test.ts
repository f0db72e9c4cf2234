import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromSubjectToken, InvalidSubjectTokenError, namesFor, streamSubjects, subjectToken } from './index.ts';

describe('subjectToken', () => {
  const jids = ['juliet@capulet.lit', 'romeo.montague@verona.example.org', 'ñandú@café.example', '用户@例子.测试', 'a*b>c d@x.y'];
  for (const jid of jids) {
    it(`makes one subject-safe token of ${jid} and decodes it back`, () => {
      const token = subjectToken(jid);
      assert.match(token, /^[A-Za-z0-9_-]+$/);
      assert.equal(fromSubjectToken(token), jid);
    });
  }

  it('is base64url of the UTF-8 bytes without padding', () => {
    assert.equal(subjectToken('a@b.c'), Buffer.from('a@b.c').toString('base64url'));
    assert.equal(subjectToken('ab@c.d'), 'YWJAYy5k');
    assert.equal(subjectToken('é'), 'w6k');
  });

  it('rejects an empty value and tokens it did not make', () => {
    assert.throws(() => subjectToken(''), InvalidSubjectTokenError);
    for (const token of ['', 'a.b', 'YWJAYy5k=', 'a b', 'w6', '_w']) {
      assert.throws(() => fromSubjectToken(token), InvalidSubjectTokenError, token);
    }
  });
});

describe('namesFor', () => {
  it('derives every name from the namespace (docs/architecture.md)', () => {
    const names = namesFor('t1');
    assert.deepEqual(names.streams, { accounts: 'T1_ACCOUNTS', sessions: 'T1_SESSIONS', tokens: 'T1_TOKENS', rosters: 'T1_ROSTERS', offline: 'T1_OFFLINE', clients: 'T1_CLIENTS', control: 'T1_CONTROL' });
    const grantTokens = `${subjectToken('juliet@capulet.lit')}.${subjectToken('conversations.im/6b1e')}`;
    assert.equal(names.subjects.grant('juliet@capulet.lit', 'conversations.im/6b1e'), `t1.grant.${grantTokens}`);
    assert.equal(names.subjects.fastToken('juliet@capulet.lit', 'conversations.im/6b1e'), `t1.fast-token.${grantTokens}`);
    assert.equal(names.subjects.grants, 't1.grant.>');
    assert.equal(names.subjects.fastTokens, 't1.fast-token.>');
    assert.equal(names.subjects.grantsOf('juliet@capulet.lit'), `t1.grant.${subjectToken('juliet@capulet.lit')}.*`);
    assert.equal(names.subjects.fastTokensOf('juliet@capulet.lit'), `t1.fast-token.${subjectToken('juliet@capulet.lit')}.*`);
    assert.equal(names.subjects.account('juliet@capulet.lit'), `t1.account.${subjectToken('juliet@capulet.lit')}`);
    assert.equal(names.subjects.accounts, 't1.account.>');
    assert.equal(names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'), 't1.session.AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(names.subjects.sessions, 't1.session.>');
    assert.equal(names.subjects.c2s('gw-1', 'sid'), 't1.c2s.gw-1.sid');
    assert.equal(names.subjects.c2sReplica('gw-1'), 't1.c2s.gw-1.>');
    assert.equal(names.subjects.roster('juliet@capulet.lit'), `t1.roster.${subjectToken('juliet@capulet.lit')}`);
    assert.equal(names.subjects.blocklist('juliet@capulet.lit'), `t1.blocklist.${subjectToken('juliet@capulet.lit')}`);
    assert.equal(names.subjects.offline('juliet@capulet.lit'), `t1.offline.${subjectToken('juliet@capulet.lit')}`);
    assert.equal(names.subjects.offlineMessages, 't1.offline.>');
    assert.equal(names.subjects.client('juliet@capulet.lit', 'conversations.im/6b1e'), `t1.client.${grantTokens}`);
    assert.equal(names.subjects.clients, 't1.client.>');
    assert.equal(names.subjects.control('juliet@capulet.lit'), 't1.control.anVsaWV0QGNhcHVsZXQubGl0');
    assert.equal(names.subjects.controls, 't1.control.>');
    assert.deepEqual(names.buckets, {
      sessions: 't1_sessions',
      replicas: 't1_replicas',
      secrets: 't1_secrets',
      presence: 't1_presence',
      blocklists: 't1_blocklists',
      rosterSnapshots: 't1_roster_snapshots',
      fastTokenSnapshots: 't1_fast_token_snapshots',
      lastActivity: 't1_last_activity',
      legacyClients: 't1_legacy_clients',
      loginFailures: 't1_login_failures',
    });
    assert.deepEqual(names.services, { token: 't1.token', projections: 't1.projections', rosterSync: 't1.roster-sync', clientRegistry: 't1.clients' });
  });

  it('puts a JID and a client id with dots into exactly one subject token each', () => {
    const subject = namesFor('gatehouse').subjects.grant('romeo.montague@verona.example.org', 'im.gajim.client.1');
    assert.equal(subject.split('.').length, 4);
  });

  it('puts a JID with dots into exactly one subject token', () => {
    const subject = namesFor('gatehouse').subjects.account('romeo.montague@verona.example.org');
    assert.equal(subject.split('.').length, 3);
  });
});

describe('streamSubjects', () => {
  it('keeps service endpoints out of every stream (JetStream would store the requests)', () => {
    for (const group of Object.values(namesFor('t1').services)) {
      for (const stream of streamSubjects('t1')) {
        for (const filter of stream.subjects) assert.ok(!`${group}.x.y`.startsWith(filter.slice(0, -1)), `${group} under ${filter}`);
      }
    }
  });

  it('gives each stream the subjects of every aggregate stored in it', () => {
    assert.deepEqual(streamSubjects('t1'), [
      { name: 'T1_ACCOUNTS', subjects: ['t1.account.>'] },
      { name: 'T1_SESSIONS', subjects: ['t1.session.>'] },
      { name: 'T1_TOKENS', subjects: ['t1.grant.>', 't1.fast-token.>'] },
      { name: 'T1_ROSTERS', subjects: ['t1.roster.>', 't1.blocklist.>'] },
      { name: 'T1_CLIENTS', subjects: ['t1.client.>'] },
      { name: 'T1_CONTROL', subjects: ['t1.control.>'] },
    ]);
  });

  it('covers every subject namesFor makes for an aggregate', () => {
    const names = namesFor('t1');
    const covered = (subject: string) =>
      streamSubjects('t1').some((stream) => stream.subjects.some((filter) => subject.startsWith(filter.slice(0, -1))));
    for (const subject of [
      names.subjects.account('a@b.c'),
      names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'),
      names.subjects.grant('a@b.c', 'x'),
      names.subjects.fastToken('a@b.c', 'x'),
      names.subjects.roster('a@b.c'),
      names.subjects.blocklist('a@b.c'),
      names.subjects.client('a@b.c', 'x'),
    ]) {
      assert.ok(covered(subject), subject);
    }
  });
});
