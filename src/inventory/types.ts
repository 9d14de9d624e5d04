// The resolved inventory: hosts.yaml after parsing, schema validation, semantic checks and
// mode defaults. Every node remembers where it came from so problems can point at a line.

export interface Loc {
  file: string;
  line: number;
  column: number;
}

/**
 * Which fields of a node were filled in by a default rather than written by the user:
 * YAML field name → where the value came from (`postfix`, `defaults.ssh`, `default`).
 */
export type Defaulted = Record<string, string>;

/** A reference to a secret: `env:NAME` or `file:path`. Never a literal value. */
export type SecretRef = { kind: 'env'; name: string } | { kind: 'file'; path: string };

export type KeyAlgorithm = 'rsa' | 'ecdsa' | 'ed25519';
export type StartTls = 'smtp' | 'imap' | 'pop3' | 'sieve';

export interface SshSettings {
  port: number;
  user: string;
  /** Private key reference; absent means "use the SSH agent" (SSH_AUTH_SOCK). */
  identity?: SecretRef;
  /** Pinned host key lines as `ssh-keyscan` prints them: `type base64 [comment]`. */
  hostKeys: string[];
  /** Name of another inventory host to hop through. */
  jump?: string;
  /** Prefix commands with `sudo -n --`. */
  sudo: boolean;
  connectTimeoutMs: number;
  /** `known_hosts` file the pins were read from, resolved against the inventory's directory. */
  knownHosts?: string;
  defaulted?: Defaulted;
  loc: Loc;
}

export interface Endpoint {
  port: number;
  /** Absent: implicit TLS. */
  starttls?: StartTls;
  /** Name sent as SNI and used for the DANE owner `_port._tcp.<sni>`. */
  sni: string;
  dane: boolean;
  /** Addresses to probe; defaults to every address of the host. */
  addresses: string[];
  defaulted?: Defaulted;
  loc: Loc;
}

/** One certificate+key pair on disk. `chain` absent means the chain is appended to `cert`. */
export interface FileSet {
  cert: string;
  key: string;
  chain?: string;
  /** `key` and `cert` are the same file (key first, then chain), as Postfix `smtpd_tls_chain_files` allows. */
  combined?: boolean;
}

export interface FileOwnership {
  owner: string;
  group: string;
  certMode: string; // "0644"
  keyMode: string; // "0600"
}

export interface Service {
  name: string;
  host: string;
  mode: string;
  certificate: string;
  /** One file set per key algorithm the service serves. Usually one. */
  files: Partial<Record<KeyAlgorithm, FileSet>>;
  ownership: FileOwnership;
  /** Replace a symlinked target by a real file (mailcow) instead of writing through the link. */
  replaceSymlinks: boolean;
  validate: string[][];
  reload: string[][];
  endpoints: Endpoint[];
  /** The mode's base directory its default paths and commands use (mailcow: the compose project). */
  baseDir?: string;
  defaulted?: Defaulted;
  loc: Loc;
}

export interface Host {
  name: string;
  addresses: string[];
  ssh: SshSettings;
  services: Service[];
  loc: Loc;
}

export type CertSourceSpec =
  | { type: 'files'; cert: string; key: SecretRef; chain?: string; loc: Loc }
  | {
      type: 'remote';
      host: string;
      /** Directory holding `cert.pem`/`fullchain.pem`/`chain.pem`/`privkey.pem` (Let's Encrypt `live/<name>`). */
      dir?: string;
      cert?: string;
      key?: string;
      chain?: string;
      loc: Loc;
    }
  | { type: 'acme'; directory: string; loc: Loc };

export interface KeyPolicy {
  algorithm: KeyAlgorithm;
  /** RSA bits or EC curve name. */
  size?: number | string;
  /** Renewals keep the key (required for stable `3 1 1`). */
  reuse: boolean;
}

export interface Certificate {
  name: string;
  names: string[];
  /** Per algorithm when a service serves both (Postfix RSA + ECDSA). */
  keys: KeyPolicy[];
  /** One source per algorithm; the key is the algorithm. */
  sources: Partial<Record<KeyAlgorithm, CertSourceSpec>>;
  /** Warn / renew when fewer days are left. */
  renewBeforeDays: number;
  defaulted?: Defaulted;
  loc: Loc;
}

export interface TsigKey {
  name: string;
  algorithm: string;
  secret: SecretRef;
}

export interface Zone {
  name: string;
  provider: string;
  /** Where updates go: `addr[:port]`. */
  primary: string;
  /** Every authoritative server, asked directly for propagation: `addr[:port]`. */
  authoritative: string[];
  tsig?: TsigKey;
  defaulted?: Defaulted;
  loc: Loc;
}

export type TlsaScheme = 'current' | 'current+next';

export interface TlsaExpectation {
  /** Owner name, `_25._tcp.mx1.example.org`. */
  owner: string;
  hostname: string;
  port: number;
  zone: string;
  scheme: TlsaScheme;
  /** The records' usage/selector/matching type, `3 1 1` by default. */
  usage: number;
  selector: number;
  matchingType: number;
  /** Seconds a new record must be on every authoritative server before its key is served. */
  holdSeconds: number;
  /** host/service pairs serving this name/port. */
  servedBy: { host: string; service: string }[];
  defaulted?: Defaulted;
  loc: Loc;
}

export interface DnsSettings {
  /** Validating resolver `addr[:port]`. */
  resolver?: string;
  zones: Zone[];
  tlsa: TlsaExpectation[];
}

export interface Inventory {
  /** The inventory file as the user named it. */
  path: string;
  /** Directory relative `file:` secrets and `known_hosts` resolve against. */
  baseDir?: string;
  sha256: string;
  hosts: Host[];
  certificates: Certificate[];
  dns: DnsSettings;
}
