import type { Logger } from 'pino';

/** Tells a launcher that forked this process (IPC) that it serves now. */
export function signalReady(info: Record<string, unknown>): void {
  process.send?.({ type: 'ready', ...info });
}

/**
 * Calls stop() once on SIGTERM/SIGINT (or the parent going away), then exits. Until then
 * an unhandled rejection is logged and the process serves on: one failed request (a reply
 * NATS refuses, say) must not end every session of a healthy process. An uncaught
 * exception still ends it, since its state is unknown (the launcher restarts it).
 */
export function runUntilSignal(stop: () => Promise<void>, logger: Logger): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection; still serving'));
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
