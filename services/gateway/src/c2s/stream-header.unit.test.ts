import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { headerProblem, responseHeader } from './stream-header.ts';

describe('the client stream header (RFC 6120 §4.7)', () => {
  const header = { to: 'localhost', version: '1.0' };

  it('accepts our domain, in any case, with a version 1.x and a from of our domain', () => {
    assert.equal(headerProblem({ ...header, to: 'LocalHost', from: 'juliet@localhost' }, 'localhost'), undefined);
    assert.equal(headerProblem({ ...header, version: '1.12' }, 'localhost'), undefined);
  });

  it('answers another or no domain with host-unknown, another version with unsupported-version, a foreign from with invalid-from', () => {
    assert.equal(headerProblem({ ...header, to: 'example.com' }, 'localhost')?.condition, 'host-unknown');
    assert.equal(headerProblem({ version: '1.0' }, 'localhost')?.condition, 'host-unknown');
    assert.equal(headerProblem({ ...header, version: '2.0' }, 'localhost')?.condition, 'unsupported-version');
    assert.equal(headerProblem({ to: 'localhost' }, 'localhost')?.condition, 'unsupported-version');
    assert.equal(headerProblem({ ...header, from: 'romeo@example.com' }, 'localhost')?.condition, 'invalid-from');
    assert.equal(headerProblem({ ...header, from: '@@' }, 'localhost')?.condition, 'invalid-from');
  });

  it('answers with our domain, a fresh id, version 1.0, and to = the client from', () => {
    const first = responseHeader({ ...header, from: 'juliet@localhost' }, 'localhost');
    assert.deepEqual({ ...first, id: undefined }, { from: 'localhost', id: undefined, version: '1.0', 'xml:lang': 'en', to: 'juliet@localhost' });
    assert.match(first.id!, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(responseHeader(header, 'localhost').id, first.id);
    assert.equal('to' in responseHeader(header, 'localhost'), false);
  });
});
