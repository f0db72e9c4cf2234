export {
  testNamespace,
  natsUrl,
  cleanupNamespace,
  setupNats,
  startNatsServer,
  startNatsServerOrSkip,
  NatsServerNotFoundError,
  type NatsTestContext,
  type PrivateNatsServer,
} from './nats.ts';
export * from './postgres.ts';
export { RawXmppClient } from './raw-xmpp.ts';
export { startServiceProcess, type ServiceProcess } from './processes.ts';
export * from './decider-spec.ts';
export { startRosterWebApp, type RosterWebApp, type WebAppBehaviour } from './roster-web-app.ts';
export { waitFor } from './wait-for.ts';
