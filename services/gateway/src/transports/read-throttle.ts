/**
 * Per-connection read rate limit, as Prosody's mod_limits and ejabberd's shapers do it: a
 * token bucket in bytes, enforced by no longer reading the socket. It is backpressure, not
 * an error: TCP's window holds the client back, so a fast but honest client is only
 * slowed, while one sending costly input (a 256 KiB stanza of 60,000 empty children costs
 * ~0.3 s of CPU to parse and handle) cannot keep the replica busy back to back.
 */

/** C2S_READ_RATE_BYTES_PER_S and C2S_READ_BURST_BYTES. */
export interface ReadLimit {
  /** Bytes per second a connection is read at, sustained. */
  bytesPerS: number;
  /** Bytes read at once before the rate applies (the bucket's size; it starts full). */
  burstBytes: number;
}

/** Tokens are bytes; they come back at `bytesPerS`, up to `burstBytes`. */
export class ReadBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: ReadLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.burstBytes;
    this.last = now();
  }

  /**
   * Counts `bytes` as read and answers how long (ms) reading should stop: 0 while tokens
   * last. What was read is never refused (it is already in memory); it is paid for by the
   * wait, so over any span at most burst + rate · span bytes are read, plus one read.
   */
  take(bytes: number): number {
    const now = this.now();
    this.tokens = Math.min(this.limit.burstBytes, this.tokens + ((now - this.last) * this.limit.bytesPerS) / 1000);
    this.last = now;
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.limit.bytesPerS);
  }
}

/** What can stop reading: a net.Socket, a TLSSocket, a `ws` WebSocket. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Pauses `target()` while the bucket is in debt. `target` is read each time: STARTTLS swaps the socket. */
export class ReadThrottle {
  private readonly bucket: ReadBucket;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    limit: ReadLimit,
    private readonly target: () => Pausable,
    now?: () => number,
  ) {
    this.bucket = new ReadBucket(limit, now);
  }

  /** Call with the size of every chunk or message read. */
  read(bytes: number): void {
    this.pauseFor(this.bucket.take(bytes));
  }

  /** The connection is gone: no timer outlives it. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pauseFor(ms: number): void {
    if (ms <= 0 || this.stopped) return;
    // Also while a timer runs: a new socket (STARTTLS) or data already buffered may read on.
    this.target().pause();
    this.resumeAfter(ms);
  }

  private resumeAfter(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      // Whatever arrived while paused (a WebSocket emits messages it had buffered) is paid
      // first; so is the fraction of a millisecond a timer may fire early by. The target is
      // still paused meanwhile.
      const more = this.bucket.take(0);
      if (more > 0) this.resumeAfter(more);
      else this.target().resume();
    }, ms);
    this.timer.unref();
  }
}
