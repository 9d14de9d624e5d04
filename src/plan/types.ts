// The engine's data: Desired (what should be, with the bytes, in memory only) and Plan (plain,
// serialisable data: identities and fingerprints, never material). `apply` consumes a Plan and
// rebuilds Desired from the same inventory and sources; it checks `desired_fingerprints` so the
// bytes it writes are exactly the ones the plan was made from.
import type { Problem } from '../errors/problem.ts';
import type { Endpoint, KeyAlgorithm, Loc, TlsaScheme } from '../inventory/types.ts';
import type { CertFacts, TlsaRecord } from '../state/types.ts';
import type { MaterialCheck } from '../sources/types.ts';

/** Bumped on breaking changes of the Plan JSON; readers ignore unknown fields. */
export const PLAN_FORMAT_VERSION = '1.0';

// ───────────────────────────── Desired (in memory only) ─────────────────────────────

/** Which file of a file set: `combined` is key, then leaf, then chain in one file. */
export type FileRole = 'cert' | 'chain' | 'key' | 'combined';

export interface DesiredFile {
  role: FileRole;
  path: string;
  /** The exact bytes to install. Non-enumerable (see desired.ts): JSON and inspect never show them. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, hex. */
  sha256: string;
  mode: string; // "0600"
  owner: string;
  group: string;
  /** Holds private key material (key or combined file). */
  secret: boolean;
}

/** One service × one key algorithm: the files to install and what they contain. */
export interface DesiredSet {
  host: string;
  service: string;
  algorithm: KeyAlgorithm;
  /** Inventory certificate name. */
  certificate: string;
  files: DesiredFile[];
  leaf: CertFacts;
  /** Intermediates as the source gave them (leaf excluded). */
  chain: CertFacts[];
  /** SPKI SHA-256 of the key (the `3 1 1` data). */
  keySpki: string;
  /** Identity of the source material: sha256 over leaf DER, chain DER and key SPKI. */
  sourceFingerprint: string;
  /** Where the material came from, for messages: `remote npm:/…/archive/npm-5/fullchain3.pem`. */
  origin: string;
  check: MaterialCheck;
  replaceSymlinks: boolean;
  /** The inventory certificate's location (problems point here). */
  loc: Loc;
}

export interface DesiredService {
  host: string;
  service: string;
  mode: string;
  certificate: string;
  sets: DesiredSet[];
  endpoints: Endpoint[];
  loc: Loc;
}

/** The TLSA RRset a DANE owner must have: current served key(s) plus the desired key(s). */
export interface DesiredTlsa {
  owner: string;
  zone: string;
  scheme: TlsaScheme;
  records: TlsaRecord[];
  /** SPKIs of keys the services will serve after apply (must be published before deploy). */
  desiredSpkis: string[];
  /** SPKIs served now (kept until no endpoint serves them). */
  servedSpkis: string[];
  holdSeconds: number;
  servedBy: { host: string; service: string }[];
  loc: Loc;
}

export interface Desired {
  services: DesiredService[];
  tlsa: DesiredTlsa[];
  /** Problems found while resolving sources (unreadable, not PEM, …). */
  problems: Problem[];
}

// ───────────────────────────── Plan (serialisable) ─────────────────────────────

export type ChangeAction = 'deploy' | 'fix-perms' | 'reload' | 'tlsa-publish' | 'tlsa-retire';

/** Phase order: publish TLSA → write files → reload → retire TLSA. */
export const PHASE: Readonly<Record<ChangeAction, number>> = {
  'tlsa-publish': 1,
  deploy: 2,
  'fix-perms': 2,
  reload: 3,
  'tlsa-retire': 4,
};

/** Identities only: never bytes. Fields present as they apply. */
export interface Identity {
  /** SHA-256 of the file bytes. */
  sha256?: string;
  /** Leaf certificate DER SHA-256. */
  fingerprint?: string;
  spki?: string;
  serial?: string;
  not_after?: string;
  mode?: string;
  owner?: string; // "root:root"
  /** Set when the path is a symlink. */
  link_target?: string;
  exists?: boolean;
  /** TLSA records in presentation form, `3 1 1 <hex>`. */
  records?: string[];
}

export type FileDiff = 'missing' | 'bytes' | 'mode' | 'owner' | 'symlink';

/** One target file of a deploy or fix-perms: what differs, before and after. */
export interface FileChange {
  role: FileRole;
  path: string;
  differs: FileDiff[];
  before: Identity;
  after: Identity;
  secret: boolean;
}

/**
 * target: services → {host, service, algorithm}; reload → {host, services, group};
 * TLSA → {zone, name (owner)}. `host` is absent only for TLSA changes.
 */
export interface ChangeTarget {
  host?: string;
  service?: string;
  /** Reload: every service of the group reloaded in this step, in inventory order. */
  services?: string[];
  algorithm?: KeyAlgorithm;
  zone?: string;
  name?: string;
}

export interface Change {
  /** Stable and readable: `mx1/postfix/rsa/deploy`, `mx1/dovecot+postfix/reload`, `tlsa/_25._tcp.mx1.lab.test/publish`. */
  id: string;
  action: ChangeAction;
  target: ChangeTarget;
  /** The deploy+reload group (services sharing a key on one host); absent for TLSA. */
  group?: string;
  phase: number;
  /** deploy/fix-perms: leaf+key identity on disk; reload: served; TLSA: records. */
  before: Identity;
  after: Identity;
  /** deploy / fix-perms: per target file. */
  files?: FileChange[];
  /** TLSA changes: the exact records. */
  records?: TlsaRecord[];
  reasons: string[];
  depends_on: string[];
}

/** Services on one host that share a key: one deploy+reload transaction. */
export interface ServiceGroup {
  id: string; // `mx1/dovecot+postfix`
  host: string;
  services: string[];
  key_spkis: string[];
  change_ids: string[];
}

export interface GuardFinding {
  guard: string; // `dane-gap`
  allowable: boolean;
  /** The user passed `--allow <guard>` (only possible when allowable). */
  allowed: boolean;
  /** Blocks the plan: not allowed and severity error. */
  blocks: boolean;
  problem: Problem;
  change_ids: string[];
}

export interface PlanSummary {
  deploys: number;
  fix_perms: number;
  reloads: number;
  tlsa_publish: number; // records
  tlsa_retire: number; // records
  changes: number;
  guards_blocking: number;
  guards_allowed: number;
  warnings: number;
  hosts_changed: number;
}

export interface Plan {
  format_version: string;
  created_at: string;
  /** SHA-256 over the semantic change set (no timestamps, no reasons). */
  plan_hash: string;
  inventory: { path: string; sha256: string; commit: string | null; dirty: boolean | null };
  partial: { excluded: string[]; unreachable: string[] };
  /** Fingerprint of every Live fact the plan relies on: `file:mx1:/etc/…` → hash. */
  observed: Record<string, string>;
  /** Fingerprint of every desired thing: source material, file bytes, TLSA RRsets. */
  desired_fingerprints: Record<string, string>;
  changes: Change[];
  groups: ServiceGroup[];
  guards: GuardFinding[];
  /** Non-guard problems (sources, gather). */
  problems: Problem[];
  summary: PlanSummary;
}

/** One way a saved plan no longer matches a fresh one (apply exits 3 on any). */
export interface PlanDifference {
  kind: 'observed' | 'desired' | 'changes' | 'inventory';
  key: string;
  saved?: string;
  fresh?: string;
}
