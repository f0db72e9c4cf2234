import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { requests } from './index.ts';
import { architecturePath, renderRequestTable, withRequestTable } from './request-docs.ts';

describe('docs/architecture.md request catalog', () => {
  it('is up to date with the catalog (regenerate: npm run asyncapi -w @gatehouse/events)', () => {
    const document = readFileSync(architecturePath, 'utf8');
    assert.equal(document, withRequestTable(document));
  });

  it('has one row per endpoint, with its request and result shapes', () => {
    const rows = renderRequestTable().split('\n').filter((line) => line.startsWith('| `'));
    assert.equal(rows.length, Object.keys(requests).length);
    assert.ok(rows.includes(rows.find((row) => row.startsWith('| `token.account.exists` | `{ jid }` | `{ exists }` |'))!));
    assert.ok(rows.some((row) => row.startsWith('| `roster-sync.offline.fetch` (paged) | `{ jid, cursor? }` | `{ items: [{ seq, stanza }], next? }` |')));
  });
});
