import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { ensureCertificate } from './certificate.ts';

it('a generated certificate serves a TLS handshake that a client trusting it verifies', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-tls-'));
  const { certFile, keyFile } = await ensureCertificate({ dir, domain: 'localhost' });
  const cert = await readFile(certFile);
  const server = createServer({ cert, key: await readFile(keyFile) }, (socket) => socket.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const socket: TLSSocket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: [cert] });
    const greeting = await new Promise<string>((resolve, reject) => {
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.equal(greeting, 'hello');
    assert.equal(socket.authorized, true);
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
