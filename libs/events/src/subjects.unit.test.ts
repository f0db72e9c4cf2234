import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromSubjectToken, InvalidSubjectTokenError, namesFor, subjectToken } from './index.ts';

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
    assert.deepEqual(names.streams, { accounts: 'T1_ACCOUNTS', sessions: 'T1_SESSIONS' });
    assert.equal(names.subjects.account('juliet@capulet.lit'), `t1.account.${subjectToken('juliet@capulet.lit')}`);
    assert.equal(names.subjects.accounts, 't1.account.>');
    assert.equal(names.subjects.session('AAAAAAAAAAAAAAAAAAAAAA'), 't1.session.AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(names.subjects.sessions, 't1.session.>');
    assert.equal(names.subjects.c2s('gw-1', 'sid'), 't1.c2s.gw-1.sid');
    assert.equal(names.subjects.c2sReplica('gw-1'), 't1.c2s.gw-1.>');
    assert.deepEqual(names.buckets, { sessions: 't1_sessions', replicas: 't1_replicas', secrets: 't1_secrets' });
    assert.deepEqual(names.services, { token: 't1.token', projections: 't1.projections' });
  });

  it('puts a JID with dots into exactly one subject token', () => {
    const subject = namesFor('gatehouse').subjects.account('romeo.montague@verona.example.org');
    assert.equal(subject.split('.').length, 3);
  });
});
