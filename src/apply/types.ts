// The deploy transaction's input and output. A DeployRequest is everything one service group
// on one host needs (bytes in memory only); the executor builds it from a Plan + Desired, tests
// build it by hand. Results are plain data (identities, never bytes).
import type { KeyAlgorithm, StartTls } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { HostSession } from '../transport/types.ts';
import type { ProbeResult } from '../state/types.ts';

export type FileRole = 'cert' | 'chain' | 'key' | 'combined';

export interface DeployFile {
  /** The configured path (may be a symlink). */
  path: string;
  role: FileRole;
  /** Service(s) using the file, for messages. */
  service: string;
  algorithm: KeyAlgorithm;
  /** Desired bytes. Never logged, journalled or reported. */
  bytes: Buffer;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  owner: string;
  group: string;
  /** Holds private key material: its backup is created 0600 at most. */
  secret: boolean;
  /** Replace a symlink at `path` by a real file (mailcow); otherwise write through the link. */
  replaceSymlink: boolean;
}

/** One service × algorithm: which files form the set checked before the swap. */
export interface FileSetCheck {
  service: string;
  algorithm: KeyAlgorithm;
  /** Paths (as in DeployFile.path) read in order: leaf + chain certificates and the key. */
  paths: string[];
  /** Names the leaf must cover (empty: skip the name check). */
  names: string[];
}

export interface DeployService {
  name: string;
  validate: string[][];
  reload: string[][];
}

export interface VerifyEndpoint {
  service: string;
  address: string;
  port: number;
  starttls?: StartTls;
  sni: string;
  algorithm?: KeyAlgorithm;
  /** The leaf the endpoint must serve after the deploy. */
  expect: { fingerprint?: string; spki?: string };
}

export type ReloadPolicy = 'if-changed' | 'always' | 'never';

export interface DeployRequest {
  host: string;
  /** Service group id, `mx1/dovecot+postfix`. */
  group: string;
  /** Services of the group in inventory order (reloaded in this order). */
  services: DeployService[];
  files: DeployFile[];
  checks: FileSetCheck[];
  verify: VerifyEndpoint[];
  /** `if-changed` (deploy), `always` (reload-only change), `never` (fix-perms). */
  reload: ReloadPolicy;
  /** Write and reload even when everything matches. */
  force?: boolean;
  /** Identities recorded in the manifest. */
  planHash?: string;
  inventoryCommit?: string | null;
  /** Plan change ids this request carries out. */
  changeIds?: string[];
}

export interface VerifyPolicy {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Progress events; the listr2 wiring and the JSON result both feed on them. */
export interface StepEvent {
  host: string;
  group: string;
  step: Stage | RollbackStage | 'done';
  status: 'start' | 'ok' | 'fail' | 'skip' | 'info';
  message: string;
  /** On a host's last event (step 'done', group '*'): how the host ended. */
  outcome?: GroupOutcome | 'skipped';
}

export interface ApplyLog {
  event(e: StepEvent): void;
}

export interface JournalWriter {
  /** Records one step durably (fsynced) BEFORE it runs. */
  record(entry: JournalEntry): Promise<void>;
}

export interface JournalEntry {
  host: string;
  group: string;
  step: string;
  /** Step details: paths, hashes, argv; never bytes. */
  data?: Record<string, unknown>;
}

export interface DeployDeps {
  session: HostSession;
  probe: (endpoint: VerifyEndpoint) => Promise<ProbeResult>;
  clock: Clock;
  journal: JournalWriter;
  log: ApplyLog;
  runId: string;
  /** Identity recorded in the lock: `user@hostname`. */
  owner: string;
  /** Directory on the host for the lock and manifest (default /var/lib/mailtls). */
  stateDir: string;
  lockTtlMs: number;
  verifyPolicy: VerifyPolicy;
  execTimeoutMs: number;
  /** The caller already holds the host lock (run.ts locks once per host). */
  lockHeld?: boolean;
}

/** Transaction steps, in order. A failure names the one it happened in. */
export type Stage =
  | 'lock'
  | 'inspect'
  | 'check'
  | 'stage'
  | 'backup'
  | 'swap'
  | 'validate'
  | 'reload'
  | 'verify'
  | 'manifest'
  | 'cleanup';

export type RollbackStage = 'restore' | 'rollback-reload' | 'rollback-verify';

export type GroupOutcome = 'applied' | 'unchanged' | 'rolled-back' | 'failed-rollback' | 'failed';

export interface FileOutcome {
  path: string;
  /** The file actually written (symlink target when writing through a link). */
  effectivePath: string;
  /** What the transaction does to the file (the group's outcome says whether it stuck). */
  action: 'replace' | 'attrs' | 'unchanged';
  sha256: string;
  mode: string;
  owner: string;
}

export interface EndpointVerdict {
  service: string;
  endpoint: string;
  algorithm?: KeyAlgorithm;
  ok: boolean;
  attempts: number;
  served?: string;
  error?: string;
}

export interface GroupResult {
  host: string;
  group: string;
  outcome: GroupOutcome;
  failure?: { stage: Stage; code: string; message: string };
  rollbackFailure?: { stage: RollbackStage; code: string; message: string; backups: string[] };
  files: FileOutcome[];
  reloaded: string[];
  verified: EndpointVerdict[];
  problems: Problem[];
}
