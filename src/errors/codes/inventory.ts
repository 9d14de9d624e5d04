// Problem codes of the inventory area (hosts.yaml: syntax, schema, references, defaults).
// See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const inventoryCodes: Record<string, CatalogEntry> = {
  INVENTORY_UNREADABLE: { severity: 'error', title: 'the inventory file cannot be read', hint: 'Check the path given with -f (default: hosts.yaml).' },
  YAML_SYNTAX: { severity: 'error', title: 'the file is not valid YAML' },
  DUPLICATE_KEY: { severity: 'error', title: 'a key appears twice in one map', hint: 'YAML would silently keep the last one; remove or rename one of them.' },
  WRONG_TYPE: { severity: 'error', title: 'a value has the wrong type' },
  MISSING_KEY: { severity: 'error', title: 'a required key is missing' },
  UNKNOWN_KEY: { severity: 'error', title: 'a key the format does not know', hint: 'Check the spelling; the schema in schemas/hosts.schema.json lists every key.' },
  BAD_VALUE: { severity: 'error', title: 'a value is not allowed here' },
  MODE_NOT_QUOTED: { severity: 'error', title: 'a file mode is written as a bare number', hint: 'YAML 1.2 reads 0600 as the decimal number 600; write "0600" in quotes.' },
  LITERAL_SECRET: { severity: 'error', title: 'a secret is written into the inventory', hint: 'Put it in an environment variable or a file outside git and write env:NAME or file:path.' },
  BAD_SECRET_REF: { severity: 'error', title: 'a secret reference is malformed', hint: 'Use env:NAME or file:path.' },
  SECRET_UNAVAILABLE: { severity: 'error', title: 'a referenced secret cannot be read' },
  SHELL_STRING: { severity: 'error', title: 'a command contains shell syntax', hint: 'Commands run without a shell: write an argv array, e.g. ["postfix", "reload"], or a list of them.' },
  RELATIVE_PATH: { severity: 'error', title: 'a path on a host is not absolute' },
  UNKNOWN_MODE: { severity: 'error', title: 'a service names a mode mailtls does not know' },
  UNKNOWN_CERTIFICATE: { severity: 'error', title: 'a service names a certificate that is not declared' },
  UNKNOWN_HOST: { severity: 'error', title: 'a reference names a host that is not declared' },
  UNKNOWN_SERVICE: { severity: 'error', title: 'a reference names a service that is not declared' },
  JUMP_CYCLE: { severity: 'error', title: 'SSH jump hosts form a loop' },
  ALGORITHM_MISMATCH: { severity: 'error', title: 'key algorithms of files, sources and key policy do not agree' },
  TOO_MANY_KEYS: { severity: 'error', title: 'the mode cannot serve that many key algorithms' },
  PATH_CONFLICT: { severity: 'error', title: 'two files on one host have the same path' },
  PORT_CONFLICT: { severity: 'error', title: 'two endpoints on one address use the same port' },
  TLSA_NO_ENDPOINT: { severity: 'error', title: 'a TLSA entry matches no DANE endpoint' },
  TLSA_NO_ZONE: { severity: 'error', title: 'no declared DNS zone contains a TLSA owner name' },
  TLSA_DUPLICATE: { severity: 'error', title: 'two TLSA entries for the same name and port' },
  SNI_NOT_COVERED: { severity: 'warning', title: "an endpoint's SNI is not among its certificate's names" },
  UNUSED_CERTIFICATE: { severity: 'warning', title: 'a certificate no service serves' },
  // A warning: the lab (and first-time set-ups) create the file later. Until it exists the host
  // has no pin from it, and the transport refuses to connect to an unpinned host.
  KNOWN_HOSTS_MISSING: { severity: 'warning', title: 'the known_hosts file does not exist (yet)', hint: 'Until it exists no host key is pinned from it, and mailtls refuses to connect to the host.' },
  KNOWN_HOSTS_BAD_LINE: { severity: 'warning', title: 'a known_hosts line cannot be parsed and is skipped' },
  KNOWN_HOSTS_REVOKED: { severity: 'warning', title: 'a host key marked @revoked is not pinned' },
  NO_HOST_KEY: { severity: 'error', title: 'a host has no pinned SSH host key', hint: 'Add host_keys lines (ssh-keyscan -t ed25519 HOST) or a known_hosts file with a line for the address.' },
  ACME_NOT_IMPLEMENTED: { severity: 'warning', title: 'the acme source is reserved and not implemented yet' },
};
