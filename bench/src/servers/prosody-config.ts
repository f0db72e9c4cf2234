export interface ProsodyConfigInput {
  dir: string;
  dataDir: string;
  /** Direct TLS (XEP-0368); STARTTLS listens one port below. */
  tlsPort: number;
  certFile: string;
  keyFile: string;
  logLevel: string;
}

const lua = (value: string) => JSON.stringify(value);

/**
 * The modules match what Gatehouse serves (rosters, disco, ping, blocking, SASL2, Bind 2,
 * FAST) and nothing that would throttle the load (no mod_limits). SCRAM-SHA-256 with 4096
 * iterations, as Gatehouse stores it, so both servers run the same exchange.
 */
export function prosodyConfig(input: ProsodyConfigInput): string {
  const level = input.logLevel === 'silent' ? 'error' : input.logLevel;
  return `-- Written by gatehouse bench; deleted with its folder after the round.
pidfile = ${lua(`${input.dir}/prosody.pid`)}
data_path = ${lua(input.dataDir)}
log = { { levels = { min = ${lua(level)} }, to = "file", filename = ${lua(`${input.dir}/prosody.log`)} } }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${input.tlsPort - 1} }
c2s_direct_tls_ports = { ${input.tlsPort} }
s2s_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "blocklist", "sasl2", "sasl2_bind2", "sasl2_fast" }
modules_disabled = { "s2s" }
authentication = "internal_hashed"
password_hash = "SHA-256"
default_iteration_count = 4096
-- Prosody leaves Nagle on by default: on loopback its post-handshake writes then wait
-- for the client's delayed ACK, ~45 ms a login. Off, as Gatehouse has it.
network_settings = { nagle = false }
c2s_require_encryption = true
allow_registration = false
certificates = ${lua(input.dir)}
ssl = { certificate = ${lua(input.certFile)}, key = ${lua(input.keyFile)} }

VirtualHost "localhost"
`;
}
