// Crash recovery: reads unfinished journals and decides per host and service group whether to
// complete (the new files were verified), roll back (swapped but not verified), clean up (the
// swap never happened) or reload (a reload is still owed). Then carries it out from the
// journalled paths and identities alone; the backups on the host hold the old bytes.
import { hostname } from 'node:os';
import type { HostSession } from '../transport/types.ts';
import type { ProbeResult } from '../state/types.ts';
import type { ApplyLog, Clock, DeployService, VerifyEndpoint, VerifyPolicy } from './types.ts';
import { readUnfinished, type JournalLine } from './journal.ts';
import type { FileJournal } from './journal.ts';
import { releaseLock } from './lock.ts';
import { recordManifest, type ManifestFile } from './manifest.ts';
import { runAll } from './commands.ts';
import { verifyAll } from './verify.ts';
import { errMessage } from './outcome.ts';
import { sha256 } from './targets.ts';

export interface SwapRecord {
  state_dir: string;
  reload_pending: boolean;
  services: DeployService[];
  verify_old: VerifyEndpoint[];
  targets: {
    path: string; effective_path: string; replace_symlink: boolean; action: 'write' | 'attrs';
    temp: string; backup: string; sha256: string; mode: number; uid: number; gid: number;
    before: { exists: boolean; replaced_link?: string; sha256?: string; mode?: number; uid?: number; gid?: number };
  }[];
  manifest: { plan_hash: string | null; inventory_commit: string | null; change_ids: string[]; files: ManifestFile[] };
}

export type RecoveryAction = 'none' | 'cleanup' | 'rollback' | 'complete' | 'reload' | 'manual';

export interface GroupRecovery {
  group: string;
  action: RecoveryAction;
  /** A reload happened (or may have) since the swap, or is still owed: the daemons must reload. */
  reloadPending: boolean;
  swap?: SwapRecord;
  leftovers: string[];
}

export interface HostRecovery {
  host: string;
  lockHeld: boolean;
  stateDir?: string;
  groups: GroupRecovery[];
}

export interface RunRecovery {
  runId: string;
  journalPath: string;
  /** The run's process is still alive on this machine: leave it alone. */
  alive: boolean;
  hosts: HostRecovery[];
}

function isAlive(lines: JournalLine[]): boolean {
  const start = lines.find((l) => l.step === 'run-start');
  const pid = Number(start?.data?.pid);
  if (!pid || start?.data?.machine !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function decideGroup(group: string, lines: JournalLine[]): GroupRecovery {
  let swap: SwapRecord | undefined;
  let pending = false;
  let reloadSinceSwap = false;
  let verified = false;
  let done: Record<string, unknown> | undefined;
  const leftovers: string[] = [];
  for (const l of lines) {
    const d = l.data ?? {};
    if (l.step === 'stage') leftovers.push(...((d.temps as string[]) ?? []));
    if (l.step === 'backup') leftovers.push(...((d.backups as string[]) ?? []));
    if (l.step === 'swap') {
      swap = d as unknown as SwapRecord;
      pending = swap.targets.some((t) => t.action === 'write') && swap.reload_pending;
      reloadSinceSwap = false;
    }
    if (l.step === 'reload' || l.step === 'rollback-reload') reloadSinceSwap = pending = true;
    if (l.step === 'reload-ok') pending = false;
    if (l.step === 'restored' && !reloadSinceSwap) pending = false;
    if (l.step === 'verified') verified = true;
    if (l.step === 'done') done = d;
  }
  let action: RecoveryAction;
  const left = (done?.left as string[] | undefined) ?? [];
  if (done && left.length && !pending && done.outcome !== 'failed-rollback') {
    // The run ended but could not remove its temp/backup files (a dropped connection).
    return { group, action: 'cleanup', reloadPending: false, ...(swap ? { swap } : {}), leftovers: left };
  }
  if (done) {
    // A rollback whose reload failed left the old files in place: retrying the reload is safe.
    const stuck = done.outcome === 'failed-rollback' && done.rollback_stage !== 'rollback-reload';
    action = stuck ? 'manual' : pending ? 'reload' : 'none';
  }
  else if (!swap) action = 'cleanup';
  else if (verified) action = 'complete';
  else action = 'rollback';
  return { group, action, // Rolling back before any reload leaves the daemons on the old files: no reload owed.
    reloadPending: action === 'rollback' ? reloadSinceSwap : pending, ...(swap ? { swap } : {}), leftovers };
}

/** What every unfinished journal in `dir` left in flight. */
export async function recover(dir: string): Promise<RunRecovery[]> {
  const out: RunRecovery[] = [];
  for (const run of await readUnfinished(dir)) {
    const hosts = new Map<string, JournalLine[]>();
    for (const l of run.lines) if (l.host !== '*') hosts.set(l.host, [...(hosts.get(l.host) ?? []), l]);
    const hr: HostRecovery[] = [];
    for (const [host, lines] of hosts) {
      let lockHeld = false;
      let stateDir: string | undefined;
      for (const l of lines) {
        if (l.step === 'lock') lockHeld = true;
        if (l.step === 'unlocked') lockHeld = false;
        if (typeof l.data?.state_dir === 'string') stateDir = l.data.state_dir;
      }
      const groups = [...new Set(lines.filter((l) => l.group !== '*').map((l) => l.group))];
      hr.push({ host, lockHeld, ...(stateDir ? { stateDir } : {}), groups: groups.map((g) => decideGroup(g, lines.filter((l) => l.group === g))) });
    }
    out.push({ runId: run.runId, journalPath: run.path, alive: isAlive(run.lines), hosts: hr });
  }
  return out;
}

export interface RecoveryDeps {
  session: HostSession;
  probe: (e: VerifyEndpoint) => Promise<ProbeResult>;
  clock: Clock;
  log: ApplyLog;
  /** The interrupted run's journal, reopened: recovery appends to it. */
  journal: FileJournal;
  verifyPolicy: VerifyPolicy;
  execTimeoutMs: number;
  /**
   * The reload commands the CURRENT inventory gives a service, if it still has it. A run that
   * failed on a wrong reload command must be repairable by fixing hosts.yaml, not only by
   * replaying what the journal recorded.
   */
  reloadFor?: (service: string) => string[][] | undefined;
}

export interface GroupRecoveryResult {
  group: string;
  action: RecoveryAction;
  ok: boolean;
  message: string;
}

async function gone(session: HostSession, p: string): Promise<void> {
  if (await session.lstat(p)) await session.unlink(p);
}

async function rollbackFromRecord(session: HostSession, s: SwapRecord): Promise<void> {
  for (const t of [...s.targets].reverse()) {
    const dest = t.replace_symlink ? t.path : t.effective_path;
    const b = t.before;
    if (t.action === 'attrs') {
      await session.chown(dest, b.uid ?? t.uid, b.gid ?? t.gid);
      await session.chmod(dest, b.mode ?? t.mode);
    } else if (!b.exists) {
      // Only remove what we wrote: the temp if the rename never happened, else our new file.
      if (await session.lstat(t.temp)) await session.unlink(t.temp);
      else if ((await session.lstat(dest))?.isFile && sha256(await session.readFile(dest)) === t.sha256) await session.unlink(dest);
    } else if (await session.lstat(t.backup)) {
      if (b.replaced_link === undefined && b.mode !== undefined) await session.chmod(t.backup, b.mode);
      await session.rename(t.backup, dest);
    }
    await gone(session, t.temp);
  }
}

async function reloadAndProbe(d: RecoveryDeps, host: string, g: GroupRecovery, s: SwapRecord, probeOld: boolean): Promise<string | undefined> {
  await d.journal.record({ host, group: g.group, step: 'rollback-reload' });
  for (const svc of s.services) {
    const bad = await runAll(d.session, d.reloadFor?.(svc.name) ?? svc.reload, d.execTimeoutMs);
    if (bad) return `${svc.name}: ${bad.message}`;
  }
  await d.journal.record({ host, group: g.group, step: 'reload-ok' });
  if (probeOld && s.verify_old.length) {
    const bad = (await verifyAll(s.verify_old, d.probe, d.clock, d.verifyPolicy)).filter((v) => !v.ok);
    if (bad.length) return bad.map((v) => `${v.endpoint}: ${v.error ?? 'old certificate not served'}`).join('; ');
  }
  return undefined;
}

async function recoverGroup(d: RecoveryDeps, host: string, g: GroupRecovery, runId: string): Promise<GroupRecoveryResult> {
  const { session } = d;
  const res = (ok: boolean, message: string): GroupRecoveryResult => ({ group: g.group, action: g.action, ok, message });
  const s = g.swap;
  d.log.event({ host, group: g.group, step: 'restore', status: 'start', message: `recovering run ${runId}: ${g.action}` });
  try {
    if (g.action === 'manual') return res(false, 'an earlier rollback failed; restore by hand from the backups the run reported');
    if (g.action === 'cleanup') {
      for (const p of g.leftovers) await gone(session, p);
    } else if (g.action === 'rollback' && s) {
      await d.journal.record({ host, group: g.group, step: 'restore', data: { recovery: true } });
      await rollbackFromRecord(session, s);
      await d.journal.record({ host, group: g.group, step: 'restored' });
      if (g.reloadPending) {
        const bad = await reloadAndProbe(d, host, g, s, true);
        if (bad) return res(false, `restored the old files, but: ${bad}`);
      }
    } else if (g.action === 'complete' && s) {
      await recordManifest(session, s.state_dir, g.group, { applied_at: d.clock.now().toISOString(), run_id: runId, ...s.manifest }, d.clock.now());
      for (const t of s.targets) await gone(session, t.backup);
    } else if (g.action === 'reload' && s) {
      const bad = await reloadAndProbe(d, host, g, s, false);
      if (bad) return res(false, `reload still failing: ${bad}`);
    }
    await d.journal.record({ host, group: g.group, step: 'done', data: { outcome: g.action === 'complete' ? 'applied' : g.action === 'cleanup' ? 'cleaned' : 'rolled-back', recovered: true } });
    return res(true, g.action === 'none' ? 'nothing to do' : `${g.action} done`);
  } catch (err) {
    return res(false, errMessage(err));
  }
}

/** Carries out one host's recovery of an interrupted run; releases the run's lock when clean. */
export async function recoverHost(d: RecoveryDeps, run: RunRecovery, h: HostRecovery): Promise<GroupRecoveryResult[]> {
  const out: GroupRecoveryResult[] = [];
  for (const g of h.groups) if (g.action !== 'none') out.push(await recoverGroup(d, h.host, g, run.runId));
  if (h.lockHeld && h.stateDir && out.every((r) => r.ok)) {
    await d.journal.record({ host: h.host, group: '*', step: 'unlock' });
    await releaseLock(d.session, h.stateDir, run.runId);
    await d.journal.record({ host: h.host, group: '*', step: 'unlocked' });
  }
  return out;
}
