/**
 * Caps what one client address holds at once on this replica. Used twice: authentication
 * attempts in progress, from `<auth>`/`<authenticate>` to the outcome (a PLAIN check runs
 * PBKDF2 on the shared thread pool, and held outcomes (login-throttle.ts) must not let one
 * address pile up parallel guesses instead), and connections not yet authenticated (each
 * holds a socket, a parser and a timer until the authentication timeout).
 */
export class AddressSlots {
  private readonly inUse = new Map<string, number>();

  constructor(private readonly perAddress: number) {}

  tryAcquire(address: string): boolean {
    const used = this.inUse.get(address) ?? 0;
    if (used >= this.perAddress) return false;
    this.inUse.set(address, used + 1);
    return true;
  }

  release(address: string): void {
    const used = this.inUse.get(address) ?? 0;
    if (used <= 1) this.inUse.delete(address);
    else this.inUse.set(address, used - 1);
  }
}
