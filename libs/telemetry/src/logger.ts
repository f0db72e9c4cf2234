import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets never reach here because callers never pass them. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: name } });
}
