/**
 * Local sessions that asked for their roster (RFC 6121 §2.1.6 "interested resources"
 * get roster pushes) or their block list (XEP-0191 §3.3: pushes go to resources that
 * requested it), indexed by account so a push finds them without scanning sessions.
 */
export type Interest = 'roster' | 'blocklist';

export class InterestRegistry {
  private readonly byAccount = new Map<string, Map<string, Set<Interest>>>();

  add(bareJid: string, sessionId: string, interest: Interest): void {
    let sessions = this.byAccount.get(bareJid);
    if (!sessions) this.byAccount.set(bareJid, (sessions = new Map()));
    let interests = sessions.get(sessionId);
    if (!interests) sessions.set(sessionId, (interests = new Set()));
    interests.add(interest);
  }

  sessionsOf(bareJid: string, interest: Interest): string[] {
    const sessions = this.byAccount.get(bareJid);
    return sessions ? [...sessions].filter(([, interests]) => interests.has(interest)).map(([id]) => id) : [];
  }

  forget(bareJid: string, sessionId: string): void {
    const sessions = this.byAccount.get(bareJid);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byAccount.delete(bareJid);
  }
}
