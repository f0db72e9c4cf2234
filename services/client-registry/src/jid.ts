import { bareJid, JidMalformedError, parseJid } from '@gatehouse/xmpp';
import { HostUnknownError } from './errors.ts';

/** Normalises a requested account JID: bare, with a localpart, on the served domain. */
export function accountJid(input: string, servedDomain: string): string {
  const jid = parseJid(input);
  if (jid.local === '' || jid.resource !== '') throw new JidMalformedError(input, 'an account JID is user@domain, without a /resource');
  if (jid.domain !== servedDomain) throw new HostUnknownError(jid.domain, servedDomain);
  return bareJid(jid);
}
