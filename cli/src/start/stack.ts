import type { ManagedProcess } from './managed-process.ts';

/** Grace before SIGKILL; under the services' own 10 s forced exit, so a stop stays bounded. */
const SERVICE_GRACE_MS = 8_000;
const NATS_GRACE_MS = 5_000;

/**
 * Everything the launcher started, stopped in reverse dependency order: gateways first
 * (they tell their clients `system-shutdown` and still need NATS for that), then the
 * services, then the NATS server if it was ours.
 */
export class Stack {
  nats: ManagedProcess | undefined;
  readonly services: ManagedProcess[] = [];
  readonly gateways: ManagedProcess[] = [];

  all(): ManagedProcess[] {
    return [...this.gateways, ...this.services, ...(this.nats ? [this.nats] : [])];
  }

  /** Resolves with the first process that exits on its own. */
  firstExit(): Promise<{ process: ManagedProcess; code: number | string }> {
    return Promise.race(this.all().map((process) => process.exited.then((code) => ({ process, code }))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.gateways.map((process) => process.stop(SERVICE_GRACE_MS)));
    await Promise.all(this.services.map((process) => process.stop(SERVICE_GRACE_MS)));
    await this.nats?.stop(NATS_GRACE_MS);
  }
}
