import { pino, type Logger } from 'pino';

export interface LogEntry {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A pino logger that keeps its entries in memory, for tests that assert on logging. */
export function recordingLogger(): { logger: Logger; entries: LogEntry[]; messages(level?: 'warn' | 'error' | 'info'): string[] } {
  const entries: LogEntry[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void entries.push(JSON.parse(line) as LogEntry) });
  const levels = { info: 30, warn: 40, error: 50 };
  return {
    logger,
    entries,
    messages: (level) => entries.filter((e) => level === undefined || e.level === levels[level]).map((e) => e.msg),
  };
}
