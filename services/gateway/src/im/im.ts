/**
 * Instant messaging on top of routing (issue 4): rosters, subscriptions, presence to
 * contacts, blocking, offline messages, last activity. One per replica, started by the
 * composition root; outbound routing and the session's presence call into it. The
 * state lives in roster-sync; what each stanza is checked against (block lists,
 * current presences) is mirrored here from KV.
 */
import type { Element } from '@xmpp/xml';
import { openKv, type NatsConnection } from '@gatehouse/bus';
import type { Names } from '@gatehouse/events';
import type { Logger } from '@gatehouse/telemetry';
import { NS_BLOCKING, NS_LAST_ACTIVITY, NS_ROSTER, stanzaError } from '@gatehouse/xmpp';
import type { AccountDirectory } from '../c2s/outbound.ts';
import type { Router } from '../routing/router.ts';
import type { Route } from '../routing/route-table.ts';
import type { SessionDirectory } from '../routing/session-directory.ts';
import { Blocklists } from './blocklists.ts';
import { BlockingIq } from './blocking-iq.ts';
import { ContactPresence } from './contact-presence.ts';
import { DirectedPresence } from './directed.ts';
import { InterestRegistry } from './interest.ts';
import { LastActivityIq } from './last-activity-iq.ts';
import { OfflineMessages } from './offline.ts';
import { PresenceDirectory } from './presence-directory.ts';
import { PresenceLifecycle } from './presence-lifecycle.ts';
import { PresenceAudiences } from './audiences.ts';
import { startPushes } from './pushes.ts';
import { rosterSyncClient, type ExternalChanges, type RosterSyncClient } from './roster-sync-client.ts';
import { RosterIq } from './roster-iq.ts';
import type { ImSender } from './sender.ts';
import { Subscriptions } from './subscriptions.ts';

export interface ImDeps {
  nc: NatsConnection;
  names: Names;
  domain: string;
  replica: string;
  router: Router;
  directory: SessionDirectory;
  accounts: AccountDirectory;
  logger: Logger;
}

export interface Im {
  readonly client: RosterSyncClient;
  readonly blocklists: Blocklists;
  readonly subscriptions: Subscriptions;
  readonly lifecycle: PresenceLifecycle;
  readonly directed: DirectedPresence;
  readonly offline: OfflineMessages;
  /**
   * An IQ for an account's bare JID (`target`) that these features answer: rosters and
   * block lists of the sender's own account, last activity of any. False: not ours.
   */
  handleAccountIq(iq: Element, sender: ImSender, target: string): Promise<boolean>;
  /** The session is gone: no more pushes for it. */
  forget(bareJid: string, sessionId: string): void;
  /** A replica died with this route on it (replica-liveness sweep). */
  routeLost(route: Route): Promise<void>;
  /**
   * After an external roster refresh (mod_http_roster_admin): a new contact sees the
   * user's presence and the user sees the contact's (a probe), as far as subscriptions
   * allow; a removed contact sees the user go unavailable.
   */
  externalRosterChanged(owner: string, changes: ExternalChanges): Promise<void>;
  stop(): Promise<void>;
}

/** Mirrors are complete before it returns: no stanza is checked against a half-loaded block list. */
export async function startIm(deps: ImDeps): Promise<Im> {
  const { nc, names, replica, router, directory, accounts, logger, domain } = deps;
  const presences = new PresenceDirectory(await openKv(nc, names.buckets.presence, { history: 1 }), replica, logger);
  const blocklists = new Blocklists(await openKv(nc, names.buckets.blocklists, { history: 1 }), replica, logger);
  await Promise.all([presences.start(), blocklists.start()]);
  const client = rosterSyncClient(nc, names.namespace);
  const interest = new InterestRegistry();
  const directed = new DirectedPresence();
  const offline = new OfflineMessages(client, domain, logger);
  const contacts = new ContactPresence(router, directory.table, presences);
  const subscriptions = new Subscriptions(client, contacts, accounts, logger);
  const audiences = new PresenceAudiences();
  const lifecycle = new PresenceLifecycle({ client, contacts, audiences, presences, directed, offline, table: directory.table, router, logger });
  const rosterIq = new RosterIq(client, interest, directory.table, subscriptions, contacts, domain);
  const blockingIq = new BlockingIq(client, interest, contacts);
  const lastActivityIq = new LastActivityIq(client, contacts);
  const pushes = startPushes({ nc, stream: names.streams.rosters, interest, session: (id) => router.local.get(id), audiences, logger });
  await pushes.caughtUp;

  return {
    client,
    blocklists,
    subscriptions,
    lifecycle,
    directed,
    offline,
    async handleAccountIq(iq, sender, target) {
      const type = iq.attrs.type;
      const payload = iq.getChildElements()[0];
      const ns = payload?.attrs.xmlns;
      if ((type !== 'get' && type !== 'set') || !payload || (ns !== NS_ROSTER && ns !== NS_BLOCKING && ns !== NS_LAST_ACTIVITY)) return false;
      if (ns === NS_LAST_ACTIVITY) await lastActivityIq.handle(iq, target, sender);
      // RFC 6121 §2.1.5: nobody manages another account's roster (nor its block list).
      else if (target !== sender.bareJid) sender.reply(stanzaError(iq, 'forbidden'));
      else if (ns === NS_ROSTER && payload.name === 'query') await rosterIq.handle(iq, payload, sender);
      else if (ns === NS_BLOCKING) await blockingIq.handle(iq, payload, sender);
      else sender.reply(stanzaError(iq, 'bad-request'));
      return true;
    },
    forget: (bareJid, sessionId) => interest.forget(bareJid, sessionId),
    routeLost: (route) => lifecycle.routeLost(route),
    async externalRosterChanged(owner, changes) {
      const peers = await client.peers(owner);
      for (const item of changes.set) {
        if (peers.broadcast.includes(item.jid)) await contacts.current(owner, item.jid);
        if (peers.probe.includes(item.jid)) await contacts.probeAll(item.jid, owner);
      }
      for (const jid of changes.removed) await contacts.unavailable(owner, jid);
    },
    async stop() {
      await pushes.stop();
      presences.stop();
      blocklists.stop();
    },
  };
}
