/**
 * RFC 6120 §7 resource binding: the resource a client asks for (§7.7), claimed
 * cluster-wide in the session directory, where the older holder of the same full JID is
 * closed (§7.7.2.2).
 */
import { randomBytes } from 'node:crypto';
import { NS_BIND, isValidResource } from '@gatehouse/xmpp';
import type { Element } from '@xmpp/xml';
import type { LegacyClientIds } from '@gatehouse/bus';
import type { Logger } from '@gatehouse/telemetry';
import type { Router } from '../routing/router.ts';
import type { SessionDirectory } from '../routing/session-directory.ts';
import { resourceLimitExceeded } from './resource-limit.ts';
import type { BoundClient, Login } from './stream-state.ts';

export interface BindRefusal {
  condition: 'bad-request' | 'conflict' | 'internal-server-error' | 'resource-constraint';
  text?: string;
}

export interface BindingDeps {
  replica: string;
  router: Router;
  directory: SessionDirectory;
  limits: { resourcesPerAccount: number };
  /** Names clients that sent no `<user-agent id>` by their full JID (`<ns>_legacy_clients`). */
  legacyClients: Pick<LegacyClientIds, 'idFor'>;
}

/** §7.7.2.1: the client's resource, or one we generate when it asks for none. */
export function requestedResource(iq: Element): string | BindRefusal {
  const requested = iq.getChild('bind', NS_BIND)?.getChildText('resource')?.trim();
  if (requested && !isValidResource(requested)) return { condition: 'bad-request', text: 'invalid resource' };
  return requested || randomBytes(9).toString('base64url');
}

/** Takes the full JID's route; the caller owns it from here and releases it by revision. */
export async function claimResource(
  deps: BindingDeps,
  session: { id: string; log: Logger },
  bareJid: string,
  resource: string,
): Promise<{ fullJid: string; revision: number } | BindRefusal> {
  const fullJid = `${bareJid}/${resource}`;
  const exceeded = resourceLimitExceeded(deps.directory.table, fullJid, deps.limits.resourcesPerAccount);
  if (exceeded) {
    session.log.info({ jid: bareJid, limit: deps.limits.resourcesPerAccount }, 'bind refused: too many resources');
    return exceeded;
  }
  try {
    const revision = await deps.directory.claim(
      { fullJid, replica: deps.replica, sessionId: session.id, priority: 0, available: false },
      (route, condition) => deps.router.evict(route, condition),
    );
    return { fullJid, revision };
  } catch (error) {
    session.log.warn({ err: error }, 'binding failed');
    return { condition: (error as { code?: string }).code === 'conflict' ? 'conflict' : 'internal-server-error' };
  }
}

/**
 * The client a session belongs to: its SASL2 `<user-agent id>`, or for a client that sent
 * none the id its full JID was given on first sight (one KV read; a create the first time).
 * Undefined when that id cannot be had: the session cannot be established without it.
 */
export async function nameClient(deps: Pick<BindingDeps, 'legacyClients'>, login: Login, fullJid: string, log: Logger): Promise<BoundClient | undefined> {
  if (login.clientId !== undefined) return { clientId: login.clientId, legacy: false };
  try {
    return { clientId: await deps.legacyClients.idFor(fullJid), legacy: true };
  } catch (error) {
    log.warn({ err: error }, 'binding failed: no id for the legacy client');
    return undefined;
  }
}
