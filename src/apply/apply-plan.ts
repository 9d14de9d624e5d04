// The whole of `mailtls apply` below the CLI: finish or roll back what an interrupted earlier
// run left (journal), turn the plan into per-host requests, run them across hosts. The CLI adds
// argument parsing, the saved-plan staleness check (exit 3), confirmation and rendering.
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { Host, Inventory } from '../inventory/types.ts';
import type { Desired, Plan } from '../plan/types.ts';
import type { HostSession } from '../transport/types.ts';
import type { ProbeResult } from '../state/types.ts';
import type { ApplyLog, Clock, VerifyEndpoint, VerifyPolicy } from './types.ts';
import { buildRequests } from './executor.ts';
import { DEFAULT_JOURNAL_DIR, FileJournal } from './journal.ts';
import { recover, recoverHost, type GroupRecoveryResult } from './recovery.ts';
import { DEFAULT_STATE_DIR, newRunId, runApply, systemClock, type HostWork, type RunResult } from './run.ts';
import { tlsProbe } from './probe-adapter.ts';
import { DEFAULT_VERIFY } from './verify.ts';
import { errMessage } from './outcome.ts';

export interface ApplyPlanInput {
  plan: Plan;
  desired: Desired;
  inventory: Inventory;
  openSession(host: Host): Promise<HostSession>;
  log: ApplyLog;
  /** Per host; default: the real TLS/STARTTLS prober. */
  probeFor?: (host: string) => (e: VerifyEndpoint) => Promise<ProbeResult>;
  journalDir?: string;
  stateDirFor?: (host: Host) => string;
  /** Change ids already carried out (the TLSA publish phase). */
  done?: ReadonlySet<string>;
  runId?: string;
  owner?: string;
  parallelism?: number;
  maxFailures?: number;
  lockWaitMs?: number;
  verifyPolicy?: VerifyPolicy;
  clock?: Clock;
  force?: boolean;
}

export interface RecoveryReport {
  run_id: string;
  host: string;
  results: GroupRecoveryResult[];
}

export interface ApplyPlanResult extends RunResult {
  recovered: RecoveryReport[];
  problems: Problem[];
}

/** Completes or rolls back interrupted runs on the inventory's hosts; returns the hosts it could not. */
export type RecoveryInput = Pick<ApplyPlanInput, 'inventory' | 'openSession' | 'log' | 'probeFor' | 'journalDir' | 'stateDirFor' | 'verifyPolicy' | 'clock'>;

export interface RecoveryOutcome {
  recovered: RecoveryReport[];
  problems: Problem[];
  /** Hosts whose interrupted run could not be completed or rolled back: apply must not touch them. */
  blocked: Set<string>;
}

/**
 * Completes or rolls back the runs an earlier apply left unfinished (journal without run-end).
 * The CLI calls it BEFORE planning, so the plan sees every host fully old or fully new and a
 * blocking guard cannot keep a half-done host from being repaired; applyPlan calls it again
 * (a no-op by then) for callers that skip that step.
 */
export async function recoverInterrupted(input: RecoveryInput): Promise<RecoveryOutcome> {
  const out: RecoveryOutcome = { recovered: [], problems: [], blocked: new Set() };
  const clock = input.clock ?? systemClock;
  out.blocked = await recoverFirst(input, input.journalDir ?? DEFAULT_JOURNAL_DIR, clock, out.recovered, out.problems);
  return out;
}

async function recoverFirst(input: RecoveryInput, journalDir: string, clock: Clock, reports: RecoveryReport[], problems: Problem[]): Promise<Set<string>> {
  const blocked = new Set<string>();
  for (const run of await recover(journalDir)) {
    if (run.alive) {
      for (const h of run.hosts) blocked.add(h.host);
      problems.push(problem('LOCK_HELD', `run ${run.runId} is still running on this machine`));
      continue;
    }
    const journal = await FileJournal.open(journalDir, run.runId, () => clock.now());
    let clean = true;
    try {
      for (const h of run.hosts) {
        const host = input.inventory.hosts.find((x) => x.name === h.host);
        if (!host) {
          clean = false;
          continue;
        }
        let results: GroupRecoveryResult[];
        try {
          const session = await input.openSession(host);
          try {
            results = await recoverHost({
              session, probe: (input.probeFor ?? tlsProbe)(h.host), clock, log: input.log, journal,
              verifyPolicy: input.verifyPolicy ?? DEFAULT_VERIFY, execTimeoutMs: 120_000,
              reloadFor: (name) => host.services.find((svc) => svc.name === name)?.reload,
            }, run, { ...h, stateDir: h.stateDir ?? (input.stateDirFor?.(host) ?? DEFAULT_STATE_DIR) });
          } finally {
            await session.close().catch(() => {});
          }
        } catch (err) {
          results = [{ group: '*', action: 'manual', ok: false, message: errMessage(err) }];
        }
        reports.push({ run_id: run.runId, host: h.host, results });
        if (results.some((r) => !r.ok)) {
          clean = false;
          blocked.add(h.host);
          problems.push(problem('APPLY_RECOVERY_FAILED', `${h.host}: run ${run.runId}: ${results.filter((r) => !r.ok).map((r) => `${r.group}: ${r.message}`).join('; ')}`, { host: h.host }));
        }
      }
      if (clean) await journal.end();
    } finally {
      await journal.close();
    }
  }
  return blocked;
}

export async function applyPlan(input: ApplyPlanInput): Promise<ApplyPlanResult> {
  const clock = input.clock ?? systemClock;
  const journalDir = input.journalDir ?? DEFAULT_JOURNAL_DIR;
  const problems: Problem[] = [];
  const recovered: RecoveryReport[] = [];
  const blocked = await recoverFirst(input, journalDir, clock, recovered, problems);

  const built = buildRequests({ plan: input.plan, desired: input.desired, inventory: input.inventory, ...(input.done ? { done: input.done } : {}), ...(input.force ? { force: true } : {}) });
  problems.push(...built.problems);
  const work: HostWork[] = [];
  for (const hr of built.hosts) {
    const host = input.inventory.hosts.find((h) => h.name === hr.host)!;
    if (blocked.has(hr.host)) {
      work.push({ host: hr.host, requests: [], openSession: () => Promise.reject(new Error('an interrupted earlier run could not be recovered here')) });
      continue;
    }
    work.push({ host: hr.host, requests: hr.requests, stateDir: input.stateDirFor?.(host) ?? DEFAULT_STATE_DIR, openSession: () => input.openSession(host) });
  }
  const runId = input.runId ?? newRunId(clock.now());
  const journal = await FileJournal.open(journalDir, runId, () => clock.now());
  const probes = new Map<string, (e: VerifyEndpoint) => Promise<ProbeResult>>();
  const probeOf = (h: string) => probes.get(h) ?? probes.set(h, (input.probeFor ?? tlsProbe)(h)).get(h)!;
  let result: RunResult;
  try {
    result = await runApply(work, {
      runId, journal, log: input.log, clock,
      probe: (e, h) => probeOf(h)(e),
      ...(input.owner ? { owner: input.owner } : {}),
      ...(input.parallelism ? { parallelism: input.parallelism } : {}),
      ...(input.maxFailures !== undefined ? { maxFailures: input.maxFailures } : {}),
      ...(input.lockWaitMs ? { lockWaitMs: input.lockWaitMs } : {}),
      ...(input.verifyPolicy ? { verifyPolicy: input.verifyPolicy } : {}),
    });
  } finally {
    await journal.close();
  }
  const heldBack = built.problems.some((p) => p.severity === 'error');
  return { ...result, exit_code: result.exit_code === 0 && !heldBack && !blocked.size ? 0 : 5, recovered, problems };
}
