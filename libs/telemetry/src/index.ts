export { createLogger, type Logger } from './logger.ts';
export { startTelemetry, type Telemetry } from './otel.ts';
export { signalReady, runUntilSignal } from './lifecycle.ts';
