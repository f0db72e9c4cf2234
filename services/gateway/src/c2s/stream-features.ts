/**
 * The `<stream:features/>` a stream gets after each header (RFC 6120 §4.3.2), from its
 * state and its transport, and the log line saying what a login cannot use here and why.
 */
import type { Logger } from '@gatehouse/telemetry';
import type { Transport } from '../transports/transport.ts';
import { featuresXml, mechanismsFor, withheldAuthentication } from './features.ts';
import { fastMechanisms } from './login-hosts.ts';
import { Sasl2Exchange } from './sasl2.ts';
import { authenticatedPart, boundPart, type StreamState } from './stream-state.ts';

export function streamFeatures(state: StreamState, transport: Transport, enforceClientIds: boolean): string {
  const { secure } = transport;
  const body = featuresXml({
    canStartTls: state.kind === 'before-tls',
    authenticated: authenticatedPart(state) !== undefined,
    bound: boundPart(state) !== undefined,
    mechanisms: enforceClientIds ? [] : mechanismsFor(secure),
    sasl2: secure ? Sasl2Exchange.advertisement(mechanismsFor(secure), fastMechanisms(transport)) : '',
  });
  // RFC 7395 §3.3.3: each WebSocket message declares its own namespaces.
  return transport.kind === 'websocket'
    ? body.replace(/^<stream:features/, "<stream:features xmlns:stream='http://etherx.jabber.org/streams'")
    : body;
}

export function logWithheld(transport: Transport, enforceClientIds: boolean, log: Logger): void {
  const { kind, secure } = transport;
  for (const { what, why, level } of withheldAuthentication({ kind, secure, channelBinding: transport.channelBinding() !== undefined, enforceClientIds })) {
    log[level]({ clientIp: transport.remoteAddress }, `${what} not offered: ${why}`);
  }
}
