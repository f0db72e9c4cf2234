import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReadBucket, ReadThrottle, type Pausable } from './read-throttle.ts';

const limit = { bytesPerS: 1000, burstBytes: 4000 };

describe('ReadBucket', () => {
  it('lets a full burst through, then asks for the time the rate needs to pay the excess', () => {
    let now = 0;
    const bucket = new ReadBucket(limit, () => now);
    assert.equal(bucket.take(4000), 0);
    assert.equal(bucket.take(500), 500, '500 bytes at 1000 B/s');
    now = 500;
    assert.equal(bucket.take(0), 0, 'paid off');
    assert.equal(bucket.take(250), 250);
  });

  it('refills at the rate, never past the burst', () => {
    let now = 0;
    const bucket = new ReadBucket(limit, () => now);
    bucket.take(4000);
    now = 1000;
    assert.equal(bucket.take(1000), 0, 'one second brought back 1000 bytes');
    assert.equal(bucket.take(1), 1);
    now = 60_000;
    assert.equal(bucket.take(4000), 0);
    assert.equal(bucket.take(1000), 1000, 'a long idle span still holds only the burst');
  });

  it('reads no more than burst + rate · elapsed over a long flood, plus one read', () => {
    let now = 0;
    const bucket = new ReadBucket(limit, () => now);
    let read = 0;
    const chunk = 1500;
    while (now < 10_000) {
      read += chunk;
      now += bucket.take(chunk);
      now += 1;
    }
    assert.ok(read <= limit.burstBytes + (limit.bytesPerS * now) / 1000 + chunk, `${read} bytes in ${now} ms`);
    assert.ok(read >= (limit.bytesPerS * now) / 1000, 'and the rate itself is honoured, not undercut');
  });
});

describe('ReadThrottle', () => {
  function recorder(): Pausable & { log: Array<'pause' | 'resume'> } {
    const log: Array<'pause' | 'resume'> = [];
    return { log, pause: () => log.push('pause'), resume: () => log.push('resume') };
  }

  it('pauses the target while in debt and resumes it once paid', async () => {
    const target = recorder();
    const throttle = new ReadThrottle({ bytesPerS: 100_000, burstBytes: 1000 }, () => target);
    throttle.read(1000);
    assert.deepEqual(target.log, []);
    throttle.read(2000);
    assert.deepEqual(target.log, ['pause']);
    const deadline = Date.now() + 5_000;
    while (target.log.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(target.log, ['pause', 'resume']);
    throttle.stop();
  });

  it('never resumes after stop', async () => {
    const target = recorder();
    const throttle = new ReadThrottle({ bytesPerS: 100_000, burstBytes: 1000 }, () => target);
    throttle.read(3000);
    throttle.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(target.log, ['pause']);
  });

  it('pauses whatever the target is now (STARTTLS swaps the socket)', () => {
    const first = recorder();
    const second = recorder();
    let current = first;
    const throttle = new ReadThrottle({ bytesPerS: 1000, burstBytes: 1000 }, () => current);
    throttle.read(2000);
    current = second;
    throttle.read(10);
    assert.deepEqual([first.log, second.log], [['pause'], ['pause']]);
    throttle.stop();
  });
});
