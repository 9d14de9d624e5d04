// The deploy transaction for one service group on one host (DESIGN.md invariants 2–4):
// lock → inspect → check → stage → backup → swap → validate → reload → verify → manifest →
// cleanup → unlock. Any failure after the swap restores the old files exactly, reloads again
// and probes that the old certificate is served (rollback.ts). Never throws for a failed step:
// the GroupResult says which stage failed.
import { problem } from '../errors/catalog.ts';
import type { DeployDeps, DeployRequest, GroupResult, Stage, StepEvent } from './types.ts';
import { acquireLock, LockError, releaseLock } from './lock.ts';
import { checkMaterial } from './material.ts';
import { backup, inspect, stage, swap, type Target } from './targets.ts';
import { runAll } from './commands.ts';
import { verifyAll } from './verify.ts';
import { manifestFiles, recordManifest } from './manifest.ts';
import { emptyResult, errMessage, fail, tidy } from './outcome.ts';
import { modeString } from './paths.ts';
import { rollback, recoveryRecord, type TxContext } from './rollback.ts';

export async function deployGroup(req: DeployRequest, deps: DeployDeps): Promise<GroupResult> {
  const r = emptyResult(req.host, req.group);
  const { session } = deps;
  let locked = false;
  if (!deps.lockHeld) {
    try {
      await deps.journal.record({ host: req.host, group: req.group, step: 'lock', data: { state_dir: deps.stateDir } });
      await acquireLock({ session, stateDir: deps.stateDir, runId: deps.runId, owner: deps.owner, ttlMs: deps.lockTtlMs, now: () => deps.clock.now() });
      locked = true;
    } catch (err) {
      r.outcome = 'failed';
      fail(r, 'lock', errMessage(err), err instanceof LockError ? err.code : 'LOCK_FAILED');
      deps.log.event({ host: req.host, group: req.group, step: 'lock', status: 'fail', message: errMessage(err) });
      return r;
    }
  }
  try {
    return await transact(req, deps, r);
  } finally {
    // After a failed rollback the lock stays: nobody deploys over a broken host until a human
    // has looked (the message says `mailtls unlock HOST`).
    if (locked && r.outcome !== 'failed-rollback') {
      try {
        await deps.journal.record({ host: req.host, group: req.group, step: 'unlock' });
        await releaseLock(session, deps.stateDir, deps.runId);
        await deps.journal.record({ host: req.host, group: req.group, step: 'unlocked' });
      } catch (err) {
        r.problems.push(problem('LOCK_FAILED', `${req.host}: releasing the lock failed: ${errMessage(err)}`, { host: req.host }));
      }
    }
  }
}

/** Target files, one per real path; a path asked for twice must be asked for identically. */
async function inspectAll(req: DeployRequest, deps: DeployDeps): Promise<Target[]> {
  const byPath = new Map<string, Target>();
  for (const f of req.files) {
    const t = await inspect(deps.session, f, deps.runId, !!req.force);
    const key = f.replaceSymlink ? f.path : t.effectivePath;
    const seen = byPath.get(key);
    if (!seen) byPath.set(key, t);
    else if (seen.sha256 !== t.sha256 || seen.file.mode !== f.mode || seen.uid !== t.uid || seen.gid !== t.gid) {
      throw Object.assign(new Error(`${f.path} is asked for twice with different contents, mode or owner (${seen.file.service} and ${f.service})`), { invalid: true });
    }
  }
  return [...byPath.values()];
}

async function transact(req: DeployRequest, deps: DeployDeps, r: GroupResult): Promise<GroupResult> {
  const { session, clock } = deps;
  const ev = (step: StepEvent['step'], status: StepEvent['status'], message: string) =>
    deps.log.event({ host: req.host, group: req.group, step, status, message });
  const j = (step: string, data?: Record<string, unknown>) => deps.journal.record({ host: req.host, group: req.group, step, ...(data ? { data } : {}) });
  const stop = async (stage: Stage, message: string, targets: Target[], code?: string): Promise<GroupResult> => {
    r.outcome = 'failed';
    fail(r, stage, message, code);
    ev(stage, 'fail', message);
    const left = await tidy(session, targets, r);
    await j('done', { outcome: r.outcome, stage, left });
    return r;
  };

  await j('begin', { pid: process.pid, services: req.services.map((s) => s.name), change_ids: req.changeIds ?? [] });
  ev('inspect', 'start', 'reading the current files');
  let targets: Target[];
  try {
    await j('inspect');
    targets = await inspectAll(req, deps);
  } catch (err) {
    return stop('inspect', errMessage(err), [], (err as { invalid?: boolean }).invalid ? 'APPLY_REQUEST_INVALID' : undefined);
  }
  r.files = targets.map((t) => ({
    path: t.file.path, effectivePath: t.effectivePath,
    action: t.action === 'write' ? 'replace' : t.action === 'attrs' ? 'attrs' : 'unchanged',
    sha256: t.sha256, mode: modeString(t.file.mode), owner: `${t.file.owner}:${t.file.group}`,
  }));
  const writes = targets.filter((t) => t.action === 'write');
  const changed = targets.filter((t) => t.action !== 'none');
  if (req.reload === 'never' && writes.length) {
    // A fix-perms request never writes bytes: the files changed since the plan was made.
    return stop('inspect', `${writes.map((t) => t.file.path).join(', ')}: contents differ from the plan's (changed since planning?)`, [], 'APPLY_REQUEST_INVALID');
  }
  const needsReload = req.reload === 'always' || (req.reload === 'if-changed' && writes.length > 0);
  if (!changed.length && !needsReload) {
    ev('done', 'ok', 'already as desired: nothing written, nothing reloaded');
    await j('done', { outcome: 'unchanged' });
    return r;
  }
  ev('inspect', 'ok', `${writes.length} to write, ${changed.length - writes.length} to fix mode/owner`);

  if (writes.length) {
    ev('check', 'start', 'key ↔ certificate, chain order, names, dates');
    await j('check');
    const bytesOf = new Map(req.files.map((f) => [f.path, f.bytes]));
    for (const c of req.checks) {
      const files = c.paths.map((p) => bytesOf.get(p)).filter((b): b is Buffer => !!b);
      for (const f of checkMaterial(files, c.names, clock.now())) {
        r.problems.push(problem(f.code, `${c.service} (${c.algorithm}): ${f.message}`, { host: req.host, service: c.service }));
      }
    }
    const first = r.problems.find((p) => p.severity === 'error');
    if (first) {
      r.outcome = 'failed';
      r.failure = { stage: 'check', code: first.code, message: first.message };
      ev('check', 'fail', first.message);
      await j('done', { outcome: r.outcome, stage: 'check' });
      return r;
    }

    ev('stage', 'start', `writing ${writes.length} new file(s) beside the targets`);
    try {
      await j('stage', { temps: writes.map((t) => t.temp) });
      for (const t of writes) await stage(session, t);
    } catch (err) {
      return stop('stage', errMessage(err), targets);
    }

    ev('backup', 'start', 'keeping the current files');
    try {
      await j('backup', { backups: writes.filter((t) => t.before.exists).map((t) => t.backup) });
      for (const t of writes) await backup(session, t);
    } catch (err) {
      return stop('backup', errMessage(err), targets);
    }
  }

  const ctx: TxContext = { req, deps, r, targets, ev, j };
  ev('swap', 'start', writes.length ? 'renaming the new files over the targets' : 'fixing mode and owner');
  await j('swap', recoveryRecord(ctx, needsReload));
  try {
    for (const t of changed) await swap(session, t);
  } catch (err) {
    return rollback(ctx, 'swap', errMessage(err), false);
  }

  if (changed.length) {
    ev('validate', 'start', 'daemon configuration checks');
    await j('validate');
    for (const s of req.services) {
      const bad = await runAll(session, s.validate, deps.execTimeoutMs);
      if (bad) return rollback(ctx, 'validate', `${s.name}: ${bad.message}`, false);
    }
  }

  if (needsReload) {
    ev('reload', 'start', `reloading ${req.services.map((s) => s.name).join(', ')}`);
    await j('reload');
    for (const s of req.services) {
      const bad = await runAll(session, s.reload, deps.execTimeoutMs);
      if (bad) return rollback(ctx, 'reload', `${s.name}: ${bad.message}`, true);
      r.reloaded.push(s.name);
    }
    await j('reload-ok');

    if (req.verify.length) {
      ev('verify', 'start', `probing ${req.verify.length} endpoint(s)`);
      await j('verify');
      r.verified = await verifyAll(req.verify, deps.probe, clock, deps.verifyPolicy);
      const bad = r.verified.filter((v) => !v.ok);
      if (bad.length) {
        return rollback(ctx, 'verify', bad.map((v) => `${v.service} ${v.endpoint}: ${v.error ?? 'wrong certificate'}`).join('; '), true);
      }
    }
  }
  await j('verified');

  try {
    await j('manifest');
    await recordManifest(session, deps.stateDir, req.group, {
      applied_at: clock.now().toISOString(), run_id: deps.runId, plan_hash: req.planHash ?? null,
      inventory_commit: req.inventoryCommit ?? null, change_ids: req.changeIds ?? [], files: manifestFiles(targets),
    }, clock.now());
  } catch (err) {
    r.problems.push(problem('APPLY_MANIFEST_FAILED', `${req.host}: ${errMessage(err)}`, { host: req.host }));
  }
  await j('cleanup');
  const left = await tidy(session, targets, r);
  r.outcome = 'applied';
  ev('done', 'ok', `applied${r.reloaded.length ? `, reloaded ${r.reloaded.join(', ')}` : ''}${r.verified.length ? `, ${r.verified.length} endpoint(s) verified` : ''}`);
  await j('done', { outcome: r.outcome, left });
  return r;
}
