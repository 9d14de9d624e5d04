// Problem codes of the live area. See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const liveCodes: Record<string, CatalogEntry> = {
  // SSH transport (src/transport/ssh/). One connection per host; any of these stops that host.
  SSH_HOST_KEY_MISMATCH: {
    severity: 'error',
    title: 'SSH host key differs from the pinned key',
    hint: 'Nothing was read or written. If the host was re-keyed on purpose, verify the new key out of band (ssh-keyscan on the host itself) and update ssh.hostKeys.',
  },
  SSH_HOST_KEY_UNKNOWN: {
    severity: 'error',
    title: 'No pinned SSH host key for this host',
    hint: 'Nothing was read or written. Add the host key to ssh.hostKeys (the line ssh-keyscan prints), verified out of band.',
  },
  SSH_AUTH_FAILED: {
    severity: 'error',
    title: 'SSH authentication failed',
    hint: 'Check ssh.user and ssh.identity (or that SSH_AUTH_SOCK holds the key), and that the public key is in the authorized_keys of that user.',
  },
  SSH_REFUSED: {
    severity: 'error',
    title: 'SSH connection refused or unreachable',
    hint: 'Check the address and ssh.port, and that sshd runs and a firewall lets the connection through.',
  },
  SSH_TIMEOUT: {
    severity: 'error',
    title: 'SSH connection or operation timed out',
    hint: 'The host did not answer in time; check the network, or raise ssh.connect_timeout.',
  },
  SSH_DNS: {
    severity: 'error',
    title: 'SSH host name does not resolve',
    hint: 'Check the host name or give its addresses in the inventory.',
  },
  SSH_PROTOCOL: {
    severity: 'error',
    title: 'SSH protocol error',
    hint: 'The server closed the connection or no algorithm could be agreed; see the message.',
  },
  SSH_CONNECTION_LOST: {
    severity: 'error',
    title: 'SSH connection lost during an operation',
    hint: 'The operation may or may not have taken effect on the host; gather again before acting.',
  },
  HOST_OP_FAILED: {
    severity: 'error',
    title: 'A file operation or command on the host failed',
    hint: 'See the message for the path and the reason (permission, missing file, full disk).',
  },
  SSH_CONFIG: {
    severity: 'error',
    title: 'SSH settings cannot be used',
    hint: 'Fix the ssh settings of the host in the inventory (pinned key lines, identity, jump host).',
  },
  // TLS probes (src/probe/tls/): one code per way a handshake with an endpoint can fail.
  PROBE_REFUSED: {
    severity: 'error',
    title: 'Nothing listens on the endpoint',
    hint: 'The TCP connection was refused: check that the daemon runs and listens on this address and port.',
  },
  PROBE_TIMEOUT: {
    severity: 'error',
    title: 'The endpoint did not answer in time',
    hint: 'The message says which step stalled (connect, greeting, STARTTLS, handshake); check firewalls and the daemon\'s health.',
  },
  PROBE_UNREACHABLE: {
    severity: 'error',
    title: 'The endpoint address cannot be reached',
    hint: 'No route to the address (or the address family is not available here); check the endpoint addresses in the inventory.',
  },
  PROBE_NO_STARTTLS: {
    severity: 'error',
    title: 'The server does not offer or refuses STARTTLS',
    hint: 'Mail to and from this endpoint goes unencrypted or fails: enable TLS in the daemon (Postfix smtpd_tls_security_level, Dovecot ssl) and check the certificate is readable by it.',
  },
  PROBE_HANDSHAKE: {
    severity: 'error',
    title: 'The TLS handshake failed',
    hint: 'See the alert in the message; when a key algorithm was forced, the server may not have a certificate of that type.',
  },
  PROBE_PROTOCOL: {
    severity: 'error',
    title: 'The server did not speak the expected protocol',
    hint: 'Unexpected greeting or reply before TLS (wrong port or STARTTLS flavour in the inventory, or a server closing at once); the message quotes it.',
  },
  // DNS queries (src/probe/dns/): TLSA, A/AAAA, SOA as the resolver and each authoritative server see them.
  DNS_TIMEOUT: {
    severity: 'error',
    title: 'A DNS server did not answer',
    hint: 'Check the server address and port, and that UDP and TCP 53 reach it.',
  },
  DNS_UNREACHABLE: {
    severity: 'error',
    title: 'A DNS server cannot be reached',
    hint: 'The port was refused or the address does not route; check the address and that the server runs.',
  },
  DNS_SERVFAIL: {
    severity: 'error',
    title: 'A DNS server answered SERVFAIL',
    hint: 'For a validating resolver this usually means DNSSEC validation failed (bogus signatures, broken chain of trust); check the zone signatures and DS records.',
  },
  DNS_REFUSED: {
    severity: 'error',
    title: 'A DNS server refused the query',
    hint: 'The resolver does not allow recursion for this client, or the authoritative server does not serve this zone.',
  },
  DNS_NOT_AUTHORITATIVE: {
    severity: 'error',
    title: 'A server listed as authoritative answered without the AA flag',
    hint: 'Check dns.zones[].authoritative: each entry must be a server that serves the zone itself (lame delegation otherwise).',
  },
  DNS_BAD_ANSWER: {
    severity: 'error',
    title: 'A DNS answer could not be used',
    hint: 'The reply did not match the query or could not be decoded; see the message.',
  },
  DNS_NOT_VALIDATED: {
    severity: 'warning',
    title: 'The validating resolver did not set the AD bit',
    hint: 'The zone is unsigned, the resolver does not validate, or it has no trust anchor for the zone: DANE senders ignore TLSA records that do not validate.',
  },
  DNS_AUTH_DISAGREE: {
    severity: 'warning',
    title: 'The authoritative servers do not agree',
    hint: 'A secondary lags behind the primary (older SOA serial) or serves another RRset; check NOTIFY and zone transfers before relying on a new record.',
  },
  // DNS publishing (src/dns/): RFC 2136 dynamic updates and other providers.
  DNS_PROVIDER_UNKNOWN: {
    severity: 'error',
    title: 'No DNS provider of that name',
    hint: 'Use one of the providers mailtls knows (see dns.zones[].provider).',
  },
  DNS_CHANGE_INVALID: {
    severity: 'error',
    title: 'A DNS change cannot be sent',
    hint: 'A record is outside the zone, malformed, of a type the provider does not support, or both added and removed; nothing was sent.',
  },
  DNS_TSIG_SECRET: {
    severity: 'error',
    title: 'The TSIG key of the zone cannot be used',
    hint: 'Check dns.zones[].tsig: the secret reference must point at a readable base64 secret (bare, `alg:name:secret`, or a BIND key clause).',
  },
  DNS_UPDATE_TOOL_MISSING: {
    severity: 'error',
    title: 'Neither knsupdate nor nsupdate is installed',
    hint: 'Install knot-dnsutils (knsupdate) or bind9-dnsutils (nsupdate) on the machine running mailtls.',
  },
  DNS_UPDATE_AUTH: {
    severity: 'error',
    title: 'The primary rejected the TSIG signature of the update',
    hint: 'Check the key name, algorithm and secret against the primary\'s configuration, and that both clocks are right (BADTIME). Nothing was changed.',
  },
  DNS_UPDATE_REFUSED: {
    severity: 'error',
    title: 'The primary refused the update',
    hint: 'Check that dns.zones[].primary is the zone\'s primary, the zone name is right and its update policy allows this key for these names and types. Nothing was changed.',
  },
  DNS_UPDATE_TIMEOUT: {
    severity: 'error',
    title: 'The primary did not answer the update',
    hint: 'Check dns.zones[].primary and that it is reachable; the update may or may not have been applied, so gather again before retrying.',
  },
  DNS_UPDATE_FAILED: {
    severity: 'error',
    title: 'The DNS update failed',
    hint: 'See the message for what the update tool reported.',
  },
  DNS_PROPAGATION_PENDING: {
    severity: 'warning',
    title: 'Not every authoritative server serves the change yet',
    hint: 'The primary has it; the listed servers lag (NOTIFY lost, transfer slow or blocked). Keys must not be deployed until every server serves the record for the hold time.',
  },
  // gather and `mailtls status` (src/state/): what the files, the wire and DNS say together.
  LIVE_FILE_INVALID: {
    severity: 'error',
    title: 'A managed file cannot be read or parsed',
    hint: 'See the message (permission, not PEM, broken certificate or key, dangling symlink); the daemon likely cannot use it either.',
  },
  LIVE_FILE_MISSING: {
    severity: 'error',
    title: 'A managed certificate or key file does not exist',
    hint: 'Run `mailtls plan` to see the deploy that puts it in place, or fix the path in the inventory.',
  },
  LIVE_KEY_MISMATCH: {
    severity: 'error',
    title: 'The key file on disk does not belong to the certificate on disk',
    hint: 'The daemon will refuse to load (or keeps the old pair until it reloads); deploy a matching pair with `mailtls plan` / `apply`.',
  },
  LIVE_CHAIN_ORDER: {
    severity: 'warning',
    title: 'The certificates in the file are not in issuing order',
    hint: 'Put the leaf first, then each issuer; some clients fail to build a path otherwise.',
  },
  LIVE_FILE_PERMS: {
    severity: 'warning',
    title: 'File mode or owner differs from the inventory',
    hint: '`mailtls plan` shows the mode/owner fix; a key readable by others must be treated as disclosed.',
  },
  LIVE_RELOAD_MISSING: {
    severity: 'error',
    title: 'An endpoint serves another certificate than the file on disk',
    hint: 'The file changed but the daemon was not reloaded (or reads another file); `mailtls plan` shows the reload.',
  },
  LIVE_CERT_EXPIRING: {
    severity: 'warning',
    title: 'A certificate expires within its renewal window',
    hint: 'Renew it at the source; `mailtls plan` deploys what the source holds.',
  },
  LIVE_CERT_EXPIRED: {
    severity: 'error',
    title: 'A certificate has expired',
    hint: 'Renew it at the source and deploy it now; senders that verify will refuse the connection.',
  },
  LIVE_TLSA_NO_MATCH: {
    severity: 'error',
    title: 'A DANE endpoint serves a key that no TLSA record matches',
    hint: 'DANE senders will defer mail to this host: publish the record for the served key (shown in the message) or serve the key the records name.',
  },
  LIVE_TLSA_UNUSED: {
    severity: 'warning',
    title: 'A TLSA record matches no key any endpoint serves',
    hint: 'Expected for a pre-published "next" key; otherwise a stale record to retire after checking nothing serves it.',
  },
  LIVE_TLSA_RRSIG_EXPIRING: {
    severity: 'warning',
    title: 'The DNSSEC signature over a TLSA RRset expires soon (error: has expired)',
    hint: 'The zone is not being re-signed (signer stopped, secondary not transferring): once the RRSIG expires, validating senders get SERVFAIL and defer all mail to the host. Check the signer and zone transfers.',
  },
  LIVE_ADDRESS_NOT_VALIDATED: {
    severity: 'warning',
    title: 'The A/AAAA records of a DANE host name do not validate',
    hint: 'Postfix ignores TLSA records when the MX host\'s address records are insecure (AD bit clear): sign the zone holding the host name, or check the resolver\'s trust anchor.',
  },
  LIVE_TLSA_MISSING: {
    severity: 'error',
    title: 'A DANE endpoint has no TLSA record',
    hint: 'Publish the records `mailtls plan` shows, or set dane: false on the endpoint.',
  },
};
