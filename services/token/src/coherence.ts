import { followStream, type Follower, type NatsConnection } from '@gatehouse/bus';
import { isAccountEvent, isFastTokenEvent, isGrantEvent, namesFor } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import type { TokenStores } from './stores.ts';

/**
 * Keeps this replica's caches from answering with what another replica has since changed:
 * a password changed or an account deleted elsewhere must stop verifying here, and a grant
 * revoked or a token invalidated elsewhere must stop a FAST login here, although a routine
 * login appends nothing and so never meets the conflict that would reload it. Both streams
 * are followed from now (`deliver: 'new'`, nothing replayed: start time does not grow with
 * history), and each event drops the cached entry of its subject if that is older; the
 * next request loads it again. An event reaches this replica within the consumer's
 * delivery latency (milliseconds); a consumer recreated after a reconnect resumes after
 * the last event it delivered, so none is missed.
 */
export function followForCoherence(nc: NatsConnection, ns: string, stores: TokenStores, logger: Logger): Follower[] {
  const names = namesFor(ns);
  // Not awaited: observe() waits for the subject's commands in progress, which must not hold up every other subject.
  return [
    followStream(nc, { stream: names.streams.accounts, filterSubject: names.subjects.accounts, deliver: 'new', logger }, (event, sequence) => {
      if (isAccountEvent(event)) void stores.accounts.observe(event.subject, sequence);
    }),
    followStream(nc, { stream: names.streams.tokens, deliver: 'new', logger }, (event, sequence) => {
      if (isGrantEvent(event)) void stores.grants.observe(event.subject, sequence);
      else if (isFastTokenEvent(event)) void stores.tokens.observe(event.subject, sequence);
    }),
  ];
}
