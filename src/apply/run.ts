// Apply across hosts: hosts in parallel up to `parallelism`, each host locked once for all its
// service groups (run in order; the first failing group stops that host), no new host started
// once `maxFailures` hosts failed. The result is plain data with one outcome per host and the
// exit code (0, or 5 when some host did not end applied/unchanged).
import { hostname, userInfo } from 'node:os';
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { HostSession } from '../transport/types.ts';
import type { ProbeResult } from '../state/types.ts';
import type { ApplyLog, Clock, DeployRequest, GroupOutcome, GroupResult, JournalWriter, VerifyEndpoint, VerifyPolicy } from './types.ts';
import { deployGroup } from './transaction.ts';
import { acquireLock, releaseLock } from './lock.ts';
import { DEFAULT_VERIFY } from './verify.ts';
import { errMessage } from './outcome.ts';

export const RESULT_FORMAT_VERSION = '1.0';
export const DEFAULT_STATE_DIR = '/var/lib/mailtls';

export type HostOutcome = GroupOutcome | 'skipped';

export interface HostWork {
  host: string;
  /** Service-group requests in execution order (depends_on already honoured). */
  requests: DeployRequest[];
  stateDir?: string;
  openSession(): Promise<HostSession>;
}

export interface RunOptions {
  runId: string;
  /** Called with the host the endpoint belongs to (results carry it). */
  probe: (e: VerifyEndpoint, host: string) => Promise<ProbeResult>;
  journal: JournalWriter & { start?(extra?: Record<string, unknown>): Promise<void>; end?(): Promise<void> };
  log: ApplyLog;
  clock?: Clock;
  owner?: string;
  parallelism?: number;
  /** Stop starting new hosts once this many failed (default: never stop). */
  maxFailures?: number;
  lockTtlMs?: number;
  /** Wait this long for another run's lock before refusing (default 0). */
  lockWaitMs?: number;
  verifyPolicy?: VerifyPolicy;
  execTimeoutMs?: number;
}

export interface HostResult {
  host: string;
  outcome: HostOutcome;
  groups: GroupResult[];
  problems: Problem[];
}

export interface RunResult {
  format_version: string;
  run_id: string;
  started_at: string;
  finished_at: string;
  exit_code: 0 | 5;
  summary: Record<HostOutcome, number>;
  hosts: HostResult[];
}

const RANK: Record<HostOutcome, number> = { unchanged: 0, applied: 1, skipped: 2, failed: 3, 'rolled-back': 4, 'failed-rollback': 5 };
const OK = new Set<HostOutcome>(['applied', 'unchanged']);

export const systemClock: Clock = { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

export function defaultOwner(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `${process.env.GITHUB_ACTOR ?? user}@${hostname()}`;
}

async function applyHost(w: HostWork, o: Required<Omit<RunOptions, 'maxFailures' | 'parallelism'>>): Promise<HostResult> {
  const res: HostResult = { host: w.host, outcome: 'unchanged', groups: [], problems: [] };
  const stateDir = w.stateDir ?? DEFAULT_STATE_DIR;
  const failHost = (code: string, message: string): HostResult => {
    res.outcome = 'failed';
    res.problems.push(problem(code, message, { host: w.host }));
    o.log.event({ host: w.host, group: '*', step: 'lock', status: 'fail', message });
    return res;
  };
  let session: HostSession;
  try {
    session = await w.openSession();
  } catch (err) {
    return failHost('APPLY_HOST_FAILED', `${w.host}: ${errMessage(err)}`);
  }
  try {
    try {
      o.log.event({ host: w.host, group: '*', step: 'lock', status: 'start', message: 'locking the host' });
      await o.journal.record({ host: w.host, group: '*', step: 'lock', data: { state_dir: stateDir } });
      await acquireLock({ session, stateDir, runId: o.runId, owner: o.owner, ttlMs: o.lockTtlMs, now: () => o.clock.now(), waitMs: o.lockWaitMs, sleep: o.clock.sleep });
    } catch (err) {
      await o.journal.record({ host: w.host, group: '*', step: 'unlocked' });
      return failHost((err as { code?: string }).code ?? 'LOCK_FAILED', errMessage(err));
    }
    try {
      for (const req of w.requests) {
        const g = await deployGroup(req, {
          session, probe: (e) => o.probe(e, w.host), clock: o.clock, journal: o.journal, log: o.log, runId: o.runId, owner: o.owner, stateDir,
          lockTtlMs: o.lockTtlMs, verifyPolicy: o.verifyPolicy, execTimeoutMs: o.execTimeoutMs, lockHeld: true,
        });
        res.groups.push(g);
        res.problems.push(...g.problems);
        if (RANK[g.outcome] > RANK[res.outcome]) res.outcome = g.outcome;
        if (!OK.has(g.outcome)) break; // the host's later groups wait for a human
      }
    } finally {
      // After a failed rollback the lock stays until a human runs `mailtls unlock HOST`.
      if (res.outcome !== 'failed-rollback') try {
        await o.journal.record({ host: w.host, group: '*', step: 'unlock' });
        await releaseLock(session, stateDir, o.runId);
        await o.journal.record({ host: w.host, group: '*', step: 'unlocked' });
      } catch (err) {
        res.problems.push(problem('LOCK_FAILED', `${w.host}: releasing the lock failed: ${errMessage(err)}`, { host: w.host }));
      }
    }
  } finally {
    await session.close().catch(() => {});
  }
  return res;
}

export async function runApply(work: HostWork[], opts: RunOptions): Promise<RunResult> {
  const o = {
    clock: systemClock, owner: defaultOwner(), lockTtlMs: 30 * 60_000, lockWaitMs: 0, verifyPolicy: DEFAULT_VERIFY, execTimeoutMs: 120_000,
    ...opts,
  } as Required<Omit<RunOptions, 'maxFailures' | 'parallelism'>>;
  const parallelism = Math.max(1, opts.parallelism ?? 4);
  const maxFailures = opts.maxFailures ?? Infinity;
  const started = o.clock.now();
  await o.journal.start?.({ hosts: work.map((w) => w.host) });
  const results: HostResult[] = new Array(work.length);
  let failures = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const w = work[i];
      if (!w) return;
      if (failures >= maxFailures) {
        const message = `${w.host}: not started, ${failures} host(s) failed (--max-failures ${maxFailures})`;
        results[i] = { host: w.host, outcome: 'skipped', groups: [], problems: [problem('APPLY_HOST_SKIPPED', message, { host: w.host })] };
        o.log.event({ host: w.host, group: '*', step: 'done', status: 'skip', message: 'skipped (failure budget spent)', outcome: 'skipped' });
        continue;
      }
      const r = (results[i] = await applyHost(w, o));
      if (!OK.has(r.outcome)) failures++;
      // Tell the progress view now, not when the whole run ends.
      o.log.event({ host: w.host, group: '*', step: 'done', status: OK.has(r.outcome) ? 'ok' : 'fail', message: r.outcome, outcome: r.outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, work.length) }, worker));
  // A journal left open keeps whatever a host still owes visible to recover(): a failed
  // rollback, an owed reload, a lock or temp files a dropped connection could not remove.
  const owes = (r: HostResult) => r.outcome === 'failed-rollback' || r.problems.some((p) => p.code === 'LOCK_FAILED' || p.code === 'APPLY_CLEANUP_FAILED');
  if (!results.some(owes)) await o.journal.end?.();
  const summary = { applied: 0, unchanged: 0, 'rolled-back': 0, 'failed-rollback': 0, failed: 0, skipped: 0 } as Record<HostOutcome, number>;
  for (const r of results) summary[r.outcome]++;
  return {
    format_version: RESULT_FORMAT_VERSION,
    run_id: o.runId,
    started_at: started.toISOString(),
    finished_at: o.clock.now().toISOString(),
    exit_code: results.every((r) => OK.has(r.outcome)) ? 0 : 5,
    summary,
    hosts: results,
  };
}

/** A run id that sorts by time and names the machine's pid: `20261122T004730Z-12345`. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}
