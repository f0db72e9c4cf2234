/**
 * What one stream's logins take from its client address, and how long their outcomes wait:
 * a slot among the address's unauthenticated connections, from accept to authentication
 * (C2S_MAX_PREAUTH_CONNECTIONS_PER_IP); a slot among its attempts in progress, from
 * `<auth>`/`<authenticate>` to the outcome (C2S_MAX_CONCURRENT_AUTH_PER_IP); and the login
 * throttle's hold, waited before success and failure alike (login-throttle.ts).
 */
import type { AddressSlots } from './address-slots.ts';
import { throttledAccount, type LoginThrottle } from './login-throttle.ts';

export interface LoginGuardDeps {
  domain: string;
  throttle: LoginThrottle;
  authSlots: AddressSlots;
  unauthenticatedConnections: AddressSlots;
}

export class LoginGuard {
  /** False when the address already held all its unauthenticated slots at accept. */
  readonly admitted: boolean;
  private connectionSlot: boolean;
  private attemptSlot = false;
  /** From the throttle's read for the attempt being settled. */
  private hold = { delayMs: 0, accountFailures: 0 };

  constructor(
    private readonly address: string,
    private readonly deps: LoginGuardDeps,
  ) {
    this.admitted = this.connectionSlot = deps.unauthenticatedConnections.tryAcquire(address);
  }

  /** The hold the last settled attempt waited (ms), for the log. */
  get delayMs(): number {
    return this.hold.delayMs;
  }

  /** Takes an attempt slot (once per attempt); false when the address has none free. */
  admitAttempt(): boolean {
    if (!this.attemptSlot) this.attemptSlot = this.deps.authSlots.tryAcquire(this.address);
    return this.attemptSlot;
  }

  /** Waits out the throttle's hold, the same for success and failure, before either is sent. */
  async settle(who: { jid?: string; username?: string }): Promise<void> {
    this.hold = await this.deps.throttle.holdFor(this.address, who.jid ?? this.accountOf(who.username));
    if (this.hold.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.hold.delayMs));
  }

  /** An attempt ended without success; a wrong credential counts for the throttle. */
  failed(username: string | undefined, guessed: boolean): void {
    this.releaseAttempt();
    if (guessed) void this.deps.throttle.failed(this.address, this.accountOf(username));
  }

  succeeded(jid: string): void {
    this.release();
    if (this.hold.accountFailures > 0) void this.deps.throttle.succeeded(jid);
  }

  /** The stream is gone: whatever it held is free again. */
  release(): void {
    this.releaseAttempt();
    if (!this.connectionSlot) return;
    this.connectionSlot = false;
    this.deps.unauthenticatedConnections.release(this.address);
  }

  private releaseAttempt(): void {
    if (!this.attemptSlot) return;
    this.attemptSlot = false;
    this.deps.authSlots.release(this.address);
  }

  private accountOf(username: string | undefined): string | undefined {
    return throttledAccount(username, this.deps.domain);
  }
}
