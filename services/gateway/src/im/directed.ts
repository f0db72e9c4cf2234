/**
 * RFC 6121 §4.6: directed presence. The entities a session sent available presence to,
 * outside its subscriptions, get its unavailable presence too when it goes (§4.6.3).
 */
export class DirectedPresence {
  private readonly bySession = new Map<string, Set<string>>();

  /** A presence the session sent to `to` (a normalised JID): available adds, unavailable removes. */
  record(sessionId: string, to: string, available: boolean): void {
    let targets = this.bySession.get(sessionId);
    if (available) {
      if (!targets) this.bySession.set(sessionId, (targets = new Set()));
      targets.add(to);
    } else {
      targets?.delete(to);
    }
  }

  /** The session's directed presence recipients, forgotten as they are returned. */
  take(sessionId: string): string[] {
    const targets = [...(this.bySession.get(sessionId) ?? [])];
    this.bySession.delete(sessionId);
    return targets;
  }
}
