/**
 * Slows down password guessing (RFC 6120 §13.10 "denial of service"; RFC 4422 §9 leaves
 * the defence to the server). Failures are counted per client address and per account
 * (the normalised bare JID, so `Alice` and `aLice` share one count), independently and
 * in the shared counters, so every replica sees them.
 *
 * Once there are failures (past `freeFailures`, none by default) the address or account is
 * throttled, and then EVERY
 * attempt waits the same hold before its outcome is revealed, right or wrong: holding only
 * wrong answers would tell the guesser "no answer within a round trip means wrong, move
 * on". The hold doubles per failure inside the window, capped.
 */
import { subjectToken } from '@gatehouse/events';
import { tryParseJid } from '@gatehouse/xmpp';
import type { Logger } from '@gatehouse/telemetry';
import type { FailureCounters } from './failure-counters.ts';

export interface LoginThrottleOptions {
  /** An account's failures in the window before its holds begin. Default 0: from the first. */
  freeFailures?: number;
  /**
   * An address's failures in the window before its holds begin. Default 10: NATs and
   * proxies put many users behind one address, and its holds apply to all of them.
   */
  freeFailuresPerAddress?: number;
  /** The first hold (ms); it doubles with each further failure. Default 250. */
  baseDelayMs?: number;
  /** Longest hold (ms). Default 8000. */
  maxDelayMs?: number;
  /** How long a failure counts (ms); the counters' store must forget at the same age. Default 15 min. */
  windowMs?: number;
  /** Addresses remembered by this replica for its holds. Default 50000. */
  maxAddresses?: number;
  clock?: () => number;
}

export const LOGIN_THROTTLE_WINDOW_MS = 15 * 60_000;

export class LoginThrottle {
  /**
   * The shared count of each address, as this replica last learnt it (from its own
   * increments): a hold then costs one KV read (the account's), not two.
   */
  private readonly addresses = new Map<string, { count: number; at: number }>();
  private readonly freeFailures: number;
  private readonly freeFailuresPerAddress: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly clock: () => number;

  constructor(
    private readonly counters: FailureCounters,
    private readonly logger: Logger,
    options: LoginThrottleOptions = {},
  ) {
    this.freeFailures = options.freeFailures ?? 0;
    this.freeFailuresPerAddress = options.freeFailuresPerAddress ?? 10;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 8_000;
    this.windowMs = options.windowMs ?? LOGIN_THROTTLE_WINDOW_MS;
    this.maxAddresses = options.maxAddresses ?? 50_000;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * How long to hold this attempt's outcome (ms), whatever the outcome is, and the
   * account's count (a success needs to clear it only when there is one).
   */
  async holdFor(address: string, account: string | undefined): Promise<{ delayMs: number; accountFailures: number }> {
    const known = this.addresses.get(address);
    const byAddress = known && this.clock() - known.at < this.windowMs ? known.count : 0;
    const accountFailures = account ? await this.counters.get(accountKey(account)) : 0;
    const delayMs = Math.max(this.delayFor(byAddress - this.freeFailuresPerAddress), this.delayFor(accountFailures - this.freeFailures));
    return { delayMs, accountFailures };
  }

  /** Counts a wrong guess against the address and the account. Never rejects. */
  async failed(address: string, account: string | undefined): Promise<void> {
    try {
      const [byAddress] = await Promise.all([
        this.counters.increment(addressKey(address)),
        account ? this.counters.increment(accountKey(account)) : undefined,
      ]);
      this.addresses.delete(address);
      this.addresses.set(address, { count: byAddress, at: this.clock() });
      if (this.addresses.size > this.maxAddresses) {
        const oldest = this.addresses.keys().next().value;
        if (oldest !== undefined) this.addresses.delete(oldest);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'login throttle: could not count a failure');
    }
  }

  /**
   * Clears the account's count only: a guesser's own successful login must not reset
   * the count of the address it guesses from, nor anyone else's. Never rejects.
   */
  async succeeded(account: string): Promise<void> {
    try {
      await this.counters.reset(accountKey(account));
    } catch (error) {
      this.logger.warn({ err: error }, 'login throttle: could not clear a count');
    }
  }

  /** The hold after `failures` beyond the free ones. */
  private delayFor(failures: number): number {
    return failures <= 0 ? 0 : Math.min(this.baseDelayMs * 2 ** (failures - 1), this.maxDelayMs);
  }
}

/** The account a SASL username names, normalised: one count however it is typed (`Alice`, `aLice`). */
export function throttledAccount(username: string | undefined, domain: string): string | undefined {
  const parsed = username ? tryParseJid(`${username}@${domain}`) : null;
  return parsed?.local && !parsed.resource ? `${parsed.local}@${parsed.domain}` : undefined;
}

function accountKey(account: string): string {
  return `account.${subjectToken(account)}`;
}

function addressKey(address: string): string {
  return `ip.${subjectToken(address)}`;
}
