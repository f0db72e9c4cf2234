import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, startTelemetry } from './index.ts';

describe('telemetry', () => {
  it('stays off without an exporter or when disabled, so tests and laptops send nothing', async () => {
    await startTelemetry('test', {}).shutdown();
    await startTelemetry('test', { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).shutdown();
  });

  it('names the service in every log line', () => {
    const logger = createLogger('gateway:gw0', 'silent');
    assert.equal(logger.level, 'silent');
    assert.deepEqual(logger.bindings(), { service: 'gateway:gw0' });
  });
});
