import type { Slot, Supervisor } from './supervisor.ts';

/** Grace before SIGKILL; under the services' own 10 s forced exit, so a stop stays bounded. */
const SERVICE_GRACE_MS = 8_000;
const NATS_GRACE_MS = 5_000;

/**
 * Everything the launcher started, stopped in reverse dependency order: gateways first
 * (they tell their clients `system-shutdown` and still need NATS for that), then the
 * services, then the NATS server if it was ours.
 */
export class Stack {
  nats: Slot | undefined;
  readonly services: Slot[] = [];
  readonly gateways: Slot[] = [];
  #supervisor: Supervisor | undefined;

  /** From now on a process that exits is restarted rather than ending the stack. */
  supervise(supervisor: Supervisor): void {
    this.#supervisor = supervisor;
    for (const slot of this.#slots()) supervisor.watch(slot);
  }

  async stop(): Promise<void> {
    this.#supervisor?.stop();
    await Promise.all(this.gateways.map((slot) => slot.process.stop(SERVICE_GRACE_MS)));
    await Promise.all(this.services.map((slot) => slot.process.stop(SERVICE_GRACE_MS)));
    await this.nats?.process.stop(NATS_GRACE_MS);
  }

  #slots(): Slot[] {
    return [...this.gateways, ...this.services, ...(this.nats ? [this.nats] : [])];
  }
}
