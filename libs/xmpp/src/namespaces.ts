/** XML namespaces the gateway speaks (RFC 6120, RFC 7395, XEP-0030, XEP-0199). */
export const NS_CLIENT = 'jabber:client';
export const NS_STREAMS = 'http://etherx.jabber.org/streams';
export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
export const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';
export const NS_SESSION = 'urn:ietf:params:xml:ns:xmpp-session';
export const NS_STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
export const NS_STREAM_ERRORS = 'urn:ietf:params:xml:ns:xmpp-streams';
export const NS_FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';
export const NS_PING = 'urn:xmpp:ping';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
export const NS_SASL2 = 'urn:xmpp:sasl:2';
export const NS_BIND2 = 'urn:xmpp:bind:0';
export const NS_FAST = 'urn:xmpp:fast:0';
/** RFC 6121 rosters, and the stream features for roster versioning (§2.6) and pre-approval (§3.4). */
export const NS_ROSTER = 'jabber:iq:roster';
export const NS_ROSTER_VERSIONING = 'urn:xmpp:features:rosterver';
export const NS_PRE_APPROVAL = 'urn:xmpp:features:pre-approval';
/** XEP-0191 blocking and its application error. */
export const NS_BLOCKING = 'urn:xmpp:blocking';
export const NS_BLOCKING_ERRORS = 'urn:xmpp:blocking:errors';
/** XEP-0012 last activity. */
export const NS_LAST_ACTIVITY = 'jabber:iq:last';
/** XEP-0203 delayed delivery, stamped on offline messages (XEP-0160). */
export const NS_DELAY = 'urn:xmpp:delay';
/** XEP-0160 §5: the disco feature of offline storage. */
export const FEATURE_OFFLINE = 'msgoffline';
