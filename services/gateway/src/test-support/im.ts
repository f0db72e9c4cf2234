/** Shared steps of the IM end-to-end tests (rosters, subscriptions, presence). */
import type { Element } from '@xmpp/xml';
import { connectClient, xml, type ConnectedClient } from './xmpp-client.ts';
import { uniqueUser, type TestStack } from './stack.ts';

export const NS_ROSTER = 'jabber:iq:roster';

export function service(stack: TestStack, gateway: number): string {
  return `xmpp://127.0.0.1:${stack.gateways[gateway]!.ports.c2s}`;
}

export function login(stack: TestStack, gateway: number, username: string, resource: string): Promise<ConnectedClient> {
  return connectClient({ service: service(stack, gateway), username, password: 'pw', resource });
}

/** A new account named after `prefix`, with the password login() uses. */
export async function newAccount(stack: TestStack, prefix: string): Promise<string> {
  const name = uniqueUser(prefix);
  await stack.createAccount(name, 'pw');
  return name;
}

/** Two new accounts, online on replicas 0 and 1, each with its prefix's initial as resource. */
export async function onlinePair(stack: TestStack, first: string, second: string) {
  const names = [await newAccount(stack, first), await newAccount(stack, second)] as const;
  const clients = [await login(stack, 0, names[0], first[0]!), await login(stack, 1, names[1], second[0]!)] as const;
  await Promise.all(clients.map((client) => online(client)));
  return { names, clients };
}

/** Roster get (which makes the resource interested in pushes), then initial presence, seen back. */
export async function online(client: ConnectedClient, presence: Element = xml('presence')): Promise<Element | undefined> {
  const roster = await client.xmpp.iqCaller.get(xml('query', { xmlns: NS_ROSTER }));
  await client.xmpp.send(presence);
  await client.next((s) => s.is('presence') && s.attrs.from === client.jid && !s.attrs.type);
  return roster;
}

export const bare = (client: ConnectedClient) => client.jid.split('/')[0]!;

/** A roster push (RFC 6121 §2.1.6) about `jid`, optionally with a given subscription. */
export function isPush(jid: string, subscription?: string) {
  return (stanza: Element) => {
    if (!stanza.is('iq') || stanza.attrs.type !== 'set') return false;
    const item = stanza.getChild('query', NS_ROSTER)?.getChild('item');
    return item?.attrs.jid === jid && (subscription === undefined || item.attrs.subscription === subscription);
  };
}

export function isPresence(from: string, type?: string) {
  return (stanza: Element) => stanza.is('presence') && stanza.attrs.from === from && stanza.attrs.type === type;
}

/** Both ways subscribed, through the protocol: `a` and `b` are online and interested. */
export async function subscribeBoth(a: ConnectedClient, b: ConnectedClient): Promise<void> {
  for (const [asker, owner] of [
    [a, b],
    [b, a],
  ] as const) {
    await asker.xmpp.send(xml('presence', { to: bare(owner), type: 'subscribe' }));
    await owner.next(isPresence(bare(asker), 'subscribe'));
    await owner.xmpp.send(xml('presence', { to: bare(asker), type: 'subscribed' }));
    await asker.next(isPresence(bare(owner), 'subscribed'));
    await asker.next(isPresence(owner.jid));
  }
}

/** Nothing matching arrives within `ms` (for "must not see" checks). */
export async function nothing(client: ConnectedClient, predicate: (stanza: Element) => boolean, ms = 700): Promise<boolean> {
  return client.next(predicate, ms).then(
    () => false,
    () => true,
  );
}

export { waitFor } from '@gatehouse/testing';
