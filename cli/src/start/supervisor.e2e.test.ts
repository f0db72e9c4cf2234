import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { forkService } from './services.ts';
import { Stack } from './stack.ts';
import { Supervisor, type Slot } from './supervisor.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-supervisor-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function slotOf(name: string, source: string): Promise<Slot> {
  const entry = join(dir, `${name}.ts`);
  await writeFile(entry, source);
  const fork = (appendLog: boolean) => forkService(name, entry, process.env, dir, Date.now() + 20_000, { appendLog });
  const first = fork(false);
  await first.ready;
  return { process: first.process, restart: () => fork(true) };
}

const READY = "process.send?.({ type: 'ready' });\n";

describe('Supervisor', () => {
  it('restarts a crashing process with doubling, capped backoff, logs each crash, and leaves the others running', { timeout: 60_000 }, async () => {
    const notes: string[] = [];
    const crasher = await slotOf('crasher', `${READY}console.log('serving');\nsetTimeout(() => { console.error('boom'); process.exit(7); }, 50);\n`);
    const steady = await slotOf('steady', `${READY}setInterval(() => {}, 60_000);\n`);
    const stack = new Stack();
    stack.services.push(crasher, steady);
    const steadyPid = steady.process.child.pid;
    stack.supervise(new Supervisor((message) => notes.push(message), { firstMs: 100, maxMs: 400, resetAfterMs: 60_000 }));
    try {
      await until(() => notes.filter((note) => note.startsWith('crasher exited (7)')).length >= 4, 45_000, 'four crashes');
      const delays = notes.filter((note) => note.startsWith('crasher exited')).map((note) => Number(/in (\d+) ms/.exec(note)?.[1]));
      assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 400]);
      assert.match(notes[0] ?? '', /crash 1 in a row/);
      assert.match(notes[0] ?? '', /boom/);
      assert.ok(notes.some((note) => note === 'crasher restarted and ready'));
      assert.equal(steady.process.child.pid, steadyPid, 'the steady process was never restarted');
      assert.equal(steady.process.child.exitCode, null, 'the steady process still runs');
      // The log of every incarnation is kept, not only the last one's.
      const log = await readFile(join(dir, 'crasher.log'), 'utf8');
      assert.ok(log.split('serving').length - 1 >= 4, log);
    } finally {
      await stack.stop();
    }
    const crashes = notes.length;
    assert.ok(steady.process.child.signalCode === 'SIGTERM' || steady.process.child.exitCode !== null, 'stop() stopped the steady process');
    await sleep(600);
    assert.equal(notes.length, crashes, 'nothing restarted after stop()');
  });
});
