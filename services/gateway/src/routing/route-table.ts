/**
 * The replica's in-memory mirror of the cluster's bound sessions (one KV watch feeds
 * it), and the RFC 6121 §8.5 choices that need only this table.
 */
export interface Route {
  fullJid: string;
  bareJid: string;
  resource: string;
  replica: string;
  sessionId: string;
  /** RFC 6121 §4.7.2.3; meaningful only when available. */
  priority: number;
  /** Has sent initial presence and not yet unavailable (RFC 6121 §4.2). */
  available: boolean;
  revision: number;
}

export type RouteValue = Pick<Route, 'fullJid' | 'replica' | 'sessionId' | 'priority' | 'available'>;

export class RouteTable {
  private readonly byBare = new Map<string, Map<string, Route>>();

  put(value: RouteValue, revision: number): void {
    const slash = value.fullJid.indexOf('/');
    const bareJid = value.fullJid.slice(0, slash);
    const resource = value.fullJid.slice(slash + 1);
    let resources = this.byBare.get(bareJid);
    if (!resources) this.byBare.set(bareJid, (resources = new Map()));
    const current = resources.get(resource);
    if (current && current.revision > revision) return;
    resources.set(resource, { ...value, bareJid, resource, revision });
  }

  remove(fullJid: string, revision?: number): void {
    const slash = fullJid.indexOf('/');
    const bareJid = fullJid.slice(0, slash);
    const resources = this.byBare.get(bareJid);
    const current = resources?.get(fullJid.slice(slash + 1));
    if (!resources || !current) return;
    if (revision !== undefined && current.revision > revision) return;
    resources.delete(current.resource);
    if (resources.size === 0) this.byBare.delete(bareJid);
  }

  get(fullJid: string): Route | undefined {
    const slash = fullJid.indexOf('/');
    return this.byBare.get(fullJid.slice(0, slash))?.get(fullJid.slice(slash + 1));
  }

  resourcesOf(bareJid: string): Route[] {
    return [...(this.byBare.get(bareJid)?.values() ?? [])];
  }

  /** Available resources with non-negative priority (RFC 6121 §8.5.2.1). */
  deliverable(bareJid: string): Route[] {
    return this.resourcesOf(bareJid).filter((route) => route.available && route.priority >= 0);
  }

  /**
   * §8.5.2.1.1: a message of type normal or chat goes to the most available resource;
   * when several share the highest priority, all of them get it (the RFC allows either,
   * and losing none is what users expect).
   */
  highestPriority(bareJid: string): Route[] {
    const candidates = this.deliverable(bareJid);
    const top = Math.max(...candidates.map((route) => route.priority));
    return candidates.filter((route) => route.priority === top);
  }

  routesOfReplica(replica: string): Route[] {
    const routes: Route[] = [];
    for (const resources of this.byBare.values()) {
      for (const route of resources.values()) if (route.replica === replica) routes.push(route);
    }
    return routes;
  }

  replicas(): Set<string> {
    const replicas = new Set<string>();
    for (const resources of this.byBare.values()) for (const route of resources.values()) replicas.add(route.replica);
    return replicas;
  }

  get size(): number {
    let count = 0;
    for (const resources of this.byBare.values()) count += resources.size;
    return count;
  }
}
