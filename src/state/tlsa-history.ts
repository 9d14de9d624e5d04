// The state store for DANE timing (DESIGN invariant 5, dane.md "publish before serve"): when
// was each TLSA record first seen on EVERY authoritative server, and the largest TTL ever seen
// per owner. The hold time is measured from these timestamps; they are persisted, never
// re-derived from DNS (RRSIG inception changes on every re-sign, and a record that vanished
// and came back must start its hold again).
//
// It is observation memory on the machine running mailtls (`.mailtls/tlsa-history.json`), not
// a change to any host or zone, so `plan` and `status` may update it. In CI, keep the folder
// between runs (actions/cache) — a missing history only makes mailtls wait longer, never less.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Live, TlsaLive } from './types.ts';

export const DEFAULT_LOCAL_DIR = '.mailtls';

export interface TlsaHistory {
  format_version: 1;
  /** `owner|usage selector mtype data` → ISO time first seen on every authoritative server. */
  first_seen: Record<string, string>;
  /** owner → largest TTL (seconds) any server answered with. */
  max_ttl: Record<string, number>;
}

export function historyPath(localDir = DEFAULT_LOCAL_DIR): string {
  return join(localDir, 'tlsa-history.json');
}

export function emptyHistory(): TlsaHistory {
  return { format_version: 1, first_seen: {}, max_ttl: {} };
}

/** Reads the history; a missing or unreadable file is an empty history (waits longer, never less). */
export function loadHistory(path: string): TlsaHistory {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<TlsaHistory>;
    if (h.format_version !== 1 || typeof h.first_seen !== 'object' || typeof h.max_ttl !== 'object') return emptyHistory();
    return { format_version: 1, first_seen: { ...h.first_seen }, max_ttl: { ...h.max_ttl } };
  } catch {
    return emptyHistory();
  }
}

/** Writes atomically (temp + rename) so a crash never leaves a torn history. */
export function saveHistory(path: string, h: TlsaHistory): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(h, null, 2) + '\n');
  renameSync(tmp, path);
}

const recordKey = (owner: string, r: { usage: number; selector: number; matchingType: number; data: string }) =>
  `${owner}|${r.usage} ${r.selector} ${r.matchingType} ${r.data.toLowerCase()}`;

/** Records present on every authoritative server (all must have answered), as history keys. */
function presentEverywhere(t: TlsaLive): Set<string> | undefined {
  if (!t.authoritative.length || t.authoritative.some((a) => a.error || a.rcode !== 'NOERROR')) return undefined;
  const sets = t.authoritative.map((a) => new Set(a.records.map((r) => recordKey(t.owner, r))));
  const first = sets[0] ?? new Set<string>();
  return new Set([...first].filter((k) => sets.every((s) => s.has(k))));
}

/**
 * Folds one observation into the history: new records everywhere get `now`; a record that some
 * server no longer has loses its timestamp (its hold starts again when it is back). Owners whose
 * servers did not all answer are left as they were. Returns whether anything changed.
 */
export function observe(h: TlsaHistory, live: Live, now: Date): boolean {
  let changed = false;
  for (const t of live.tlsa) {
    for (const a of [...t.authoritative, ...(t.resolver ? [t.resolver] : [])]) {
      if (a.ttl !== undefined && a.ttl > (h.max_ttl[t.owner] ?? 0)) {
        h.max_ttl[t.owner] = a.ttl;
        changed = true;
      }
    }
    const present = presentEverywhere(t);
    if (!present) continue;
    for (const key of Object.keys(h.first_seen)) {
      if (key.startsWith(`${t.owner}|`) && !present.has(key)) {
        delete h.first_seen[key];
        changed = true;
      }
    }
    for (const key of present) {
      if (!h.first_seen[key]) {
        h.first_seen[key] = now.toISOString();
        changed = true;
      }
    }
  }
  return changed;
}

export function firstSeenMap(h: TlsaHistory): Map<string, string> {
  return new Map(Object.entries(h.first_seen));
}

export function maxTtlMap(h: TlsaHistory): Map<string, number> {
  return new Map(Object.entries(h.max_ttl));
}
