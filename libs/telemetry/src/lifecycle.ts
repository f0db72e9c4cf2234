import type { Logger } from 'pino';

/** Tells a launcher that forked this process (IPC) that it serves now. */
export function signalReady(info: Record<string, unknown>): void {
  process.send?.({ type: 'ready', ...info });
}

/** Calls stop() once on SIGTERM/SIGINT (or the parent going away), then exits. */
export function runUntilSignal(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('disconnect', () => shutdown('parent exited'));
}
