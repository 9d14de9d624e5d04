// The shape of hosts.yaml as written (snake_case), after the schema accepted it.
// Only the loader sees these; everything else uses the resolved types in ./types.ts.

export interface RawSsh {
  user?: string;
  port?: number;
  identity?: string;
  host_keys?: string[];
  known_hosts?: string;
  jump?: string;
  sudo?: boolean;
  connect_timeout?: string | number;
}

export interface RawFileSet {
  cert?: string;
  key?: string;
  chain?: string;
}

export type RawCommands = string[] | string[][];

export interface RawEndpoint {
  port: number;
  starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve' | 'none';
  sni?: string;
  dane?: boolean;
  addresses?: string[];
}

export interface RawService {
  mode: string;
  certificate: string;
  base_dir?: string;
  files?: RawFileSet | Partial<Record<'rsa' | 'ecdsa' | 'ed25519', RawFileSet>>;
  owner?: string;
  group?: string;
  cert_mode?: string;
  key_mode?: string;
  replace_symlinks?: boolean;
  validate?: RawCommands;
  reload?: RawCommands;
  endpoints?: RawEndpoint[];
}

export interface RawHost {
  address: string | string[];
  ssh?: RawSsh;
  services?: Record<string, RawService>;
}

export interface RawKeyPolicy {
  algorithm: 'rsa' | 'ecdsa' | 'ed25519';
  size?: number | string;
  reuse?: boolean;
}

export interface RawSource {
  type: 'files' | 'remote' | 'acme';
  cert?: string;
  key?: string;
  chain?: string;
  host?: string;
  dir?: string;
  directory?: string;
}

export interface RawCertificate {
  names: string[];
  key?: RawKeyPolicy | RawKeyPolicy[];
  source: RawSource | Partial<Record<'rsa' | 'ecdsa' | 'ed25519', RawSource>>;
  renew_before_days?: number;
}

export interface RawZone {
  provider: string;
  primary: string;
  authoritative?: string[];
  tsig?: { name: string; algorithm?: string; secret: string };
}

export interface RawTlsa {
  name: string;
  port?: number;
  scheme?: 'current' | 'current+next';
  usage?: number;
  selector?: number;
  matching?: number;
  hold?: string | number;
  served_by?: string[];
}

export interface RawInventory {
  version: 1;
  defaults?: { ssh?: RawSsh };
  hosts: Record<string, RawHost>;
  certificates?: Record<string, RawCertificate>;
  dns?: { resolver?: string; zones?: Record<string, RawZone>; tlsa?: RawTlsa[] };
}
