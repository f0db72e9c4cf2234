export const mainUsage = `usage: gatehouse <command> [options]

Commands:
  start                               run the whole stack (NATS, PostgreSQL, services, gateways)
  user create <jid> --password <pw>   create an account (--password - reads it from stdin)
  user password <jid> --password <pw> change an account's password
  user delete <jid>                   delete an account
  user list [<domain>]                list accounts, one JID per line

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

--password - reads the password from stdin; without --password, a password piped on
stdin is used. A trailing newline is not part of the password.
`;
