import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOCK_TICKS_PER_S, parseStat } from './proc.ts';

describe('parseStat', () => {
  it('reads ppid and utime + stime even when the command name holds spaces and parentheses', () => {
    // proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = parseStat(42, '42 (node (gw) 1) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1000 1 2');
    assert.equal(stat.comm, 'node (gw) 1');
    assert.equal(stat.ppid, 7);
    assert.equal(stat.cpuMs, (300 * 1000) / CLOCK_TICKS_PER_S);
  });
});
