import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

describe('runUntilSignal', () => {
  it('logs an unhandled rejection and keeps the process serving', () => {
    const fixture = fileURLToPath(new URL('./fixtures/rejecting-service.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.at(-1), 'still serving');
    const logged = lines.slice(0, -1).map((line) => JSON.parse(line) as { msg: string; level: number; err?: { message: string } });
    assert.ok(logged.some((entry) => entry.msg === 'unhandled rejection; still serving' && entry.level === 50 && entry.err?.message === 'reply refused'));
  });
});
