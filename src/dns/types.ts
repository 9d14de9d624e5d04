// The DNS provider interface: a plugin publishes and retires records in one zone. What a
// provider can do is data (capabilities), so the planner can decide without calling it.
import type { Problem } from '../errors/problem.ts';
import type { SecretRef, Zone } from '../inventory/types.ts';
import type { TlsaRecord } from '../state/types.ts';

/** One resource record. Names are absolute, without the trailing dot. */
export type RR =
  | { name: string; ttl: number; type: 'TLSA'; data: TlsaRecord }
  /** TXT strings, each ≤ 255 bytes (ACME DNS-01 tokens). */
  | { name: string; ttl: number; type: 'TXT'; data: string[] };

export interface RecordChanges {
  /** Added before anything is removed, in the same update where the provider allows. */
  add: RR[];
  /** Removed one record at a time (never "the whole RRset"). */
  remove: RR[];
}

export interface ProviderCapabilities {
  tlsa: boolean;
  txt: boolean;
  /** All adds and removes of one publish land together or not at all (RFC 2136 updates do). */
  atomicBatch: boolean;
  /** publish() can wait until every authoritative server serves the change. */
  propagationCheck: boolean;
}

export interface PublishContext {
  /** Reads a secret reference (TSIG key…). Default: process env and local files. */
  readSecret?(ref: SecretRef): Promise<string>;
  /** Base directory for relative `file:` secret paths (the inventory's directory). */
  baseDir?: string;
  /** Wait for every authoritative server to serve the change; 0 = do not wait. Default 30000. */
  propagationTimeoutMs?: number;
  /** Poll interval while waiting. Default 500. */
  pollIntervalMs?: number;
  /** Total time the update tool may take (its own retries included). Default 15000. */
  updateTimeoutMs?: number;
  /** Force one update tool instead of "knsupdate, else nsupdate" (tests, odd hosts). */
  updateTool?: 'knsupdate' | 'nsupdate';
  /** Per-query DNS timeout. Default 2000. */
  queryTimeoutMs?: number;
  /** Progress lines (no secrets are ever passed here). */
  log?(line: string): void;
}

export interface PublishResult {
  /** The update was accepted by the primary. */
  ok: boolean;
  problems: Problem[];
  /** Zone serial on the primary after the update. */
  serial?: number;
  /** Every authoritative server serves the change (undefined when not waited for). */
  propagated?: boolean;
  /** Authoritative servers that did not serve it when waiting stopped. */
  lagging: string[];
}

export interface DnsProvider {
  /** Registry key, equal to the plugin's folder name. */
  name: string;
  capabilities: ProviderCapabilities;
  /** Applies `changes` to `zone`. Expected failures are problems in the result, not throws. */
  publish(zone: Zone, changes: RecordChanges, ctx: PublishContext): Promise<PublishResult>;
}
