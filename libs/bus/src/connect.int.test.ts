import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { natsUrl } from '@gatehouse/testing';
import { BusUnavailableError, connectBus } from './index.ts';
import { recordingLogger } from './test-logger.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('connectBus', () => {
  it('connects and logs it', async () => {
    const { logger, messages } = recordingLogger();
    const nc = await connectBus({ url: natsUrl(), name: 'connect-test', logger });
    await nc.close();
    assert.ok(messages('info').includes('NATS connected'));
  });

  it('throws BusUnavailableError saying what to do when NATS is not there', async () => {
    const { logger } = recordingLogger();
    const url = `nats://127.0.0.1:${await closedPort()}`;
    await assert.rejects(
      connectBus({ url, name: 'connect-test', logger }),
      (error: unknown) =>
        error instanceof BusUnavailableError &&
        error.code === 'bus-unavailable' &&
        error.message.includes(url) &&
        /nats-server -js/.test(error.message) &&
        /NATS_URL/.test(error.message),
    );
  });
});
