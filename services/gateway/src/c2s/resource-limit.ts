/**
 * How many resources one account may bind at once (C2S_MAX_RESOURCES_PER_ACCOUNT),
 * counted cluster-wide in the route mirror every replica holds. RFC 6120 §7.6.2.1: a
 * server that cannot bind another resource for the account answers
 * `<resource-constraint/>` (type wait). Re-binding a resource the account already holds
 * replaces that session (§7.7.2.2), so it does not count as another one.
 *
 * The mirror lags other replicas by a watch round trip: binds racing on several
 * replicas can overshoot the limit by as many as race, never grow without bound.
 */
import type { RouteTable } from '../routing/route-table.ts';

export function resourceLimitExceeded(table: RouteTable, fullJid: string, limit: number): { condition: 'resource-constraint'; text: string } | undefined {
  const bareJid = fullJid.slice(0, fullJid.indexOf('/'));
  const others = table.resourcesOf(bareJid).filter((route) => route.fullJid !== fullJid).length;
  return others >= limit ? { condition: 'resource-constraint', text: `this account already has ${limit} resources bound` } : undefined;
}
