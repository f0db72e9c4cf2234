export const mainUsage = `usage: gatehouse <command> [options]

Commands:
  start                               run the whole stack (NATS, PostgreSQL, services, gateways)
  user create <jid> --password <pw>   create an account (--password - reads it from stdin)
  user password <jid> --password <pw> change an account's password
  user delete <jid>                   delete an account
  user list [<domain>]                list accounts, one JID per line
  user clients <jid>                  list the apps and devices with access to an account
  user revoke-client <jid> <id>       cut one of them off (ids as user clients shows them)
  projections rebuild <name>          rebuild a read model from its streams (client-listing, client-activity, account-listing)

Options:
  -h, --help                          show this help

Environment:
  NATS_URL              NATS server (default nats://127.0.0.1:4222)
  GATEHOUSE_NAMESPACE   stack to talk to (default gatehouse)
`;

export const userUsage = `usage: gatehouse user <action> ...

  gatehouse user create <jid> --password <pw>
  gatehouse user password <jid> --password <pw>
  gatehouse user delete <jid>
  gatehouse user list [<domain>]
  gatehouse user clients <jid>
  gatehouse user revoke-client <jid> <id>     (also: revoke_client)

--password - reads the password from stdin; without --password, a password piped on
stdin is used. A trailing newline is not part of the password.
A client id is client/<id>, grant/<grant id> or software/<name>, as user clients shows it.
`;

export const projectionsUsage = `usage: gatehouse projections rebuild <name>

Drops a read model's rows and replays its streams into it, printing progress as it goes.
Names: client-listing, client-activity (the two share the client listing's rows and are
rebuilt together), account-listing.
`;
