/**
 * Slows down repeated failed logins from one address or for one account (RFC 6120
 * §13.10 "denial of service"; password guessing). The delay doubles with each failure
 * inside the window, so a legitimate typo costs a quarter second and a guessing run
 * soon waits seconds per try. Kept per replica: a guesser spread over replicas gets at
 * most one free schedule per replica, which still caps the rate.
 */
export interface LoginThrottleOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  windowMs?: number;
  maxEntries?: number;
  clock?: () => number;
}

interface Entry {
  failures: number;
  last: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly clock: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 8_000;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 50_000;
    this.clock = options.clock ?? Date.now;
  }

  /** Records a failure and returns how long to hold the `<failure/>` answer (ms). */
  failed(address: string, account: string | undefined): number {
    const failures = Math.max(this.bump(`ip:${address}`), account ? this.bump(`account:${account}`) : 0);
    return Math.min(this.baseDelayMs * 2 ** (failures - 1), this.maxDelayMs);
  }

  succeeded(address: string, account: string): void {
    this.entries.delete(`ip:${address}`);
    this.entries.delete(`account:${account}`);
  }

  private bump(key: string): number {
    const now = this.clock();
    const entry = this.entries.get(key);
    const failures = entry && now - entry.last < this.windowMs ? entry.failures + 1 : 1;
    // Re-insert so Map order is least-recently-failed first, and evict from the front.
    this.entries.delete(key);
    this.entries.set(key, { failures, last: now });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return failures;
  }
}
