// The rollback ladder after a failure past the swap: restore every swapped target exactly
// (atomic renames of the backups), reload again, probe that the old leaf is served again. A
// rollback that fails keeps the backups and says so loudly, with paths.
import { problem } from '../errors/catalog.ts';
import type { DeployDeps, DeployRequest, GroupResult, Stage, StepEvent, VerifyEndpoint } from './types.ts';
import { restore, type Target } from './targets.ts';
import { runAll } from './commands.ts';
import { verifyAll } from './verify.ts';
import { leafIdentity } from './material.ts';
import { manifestFiles } from './manifest.ts';
import { errMessage, fail, rollbackFailed, tidy, servicesOf } from './outcome.ts';

export interface TxContext {
  req: DeployRequest;
  deps: DeployDeps;
  r: GroupResult;
  targets: Target[];
  ev: (step: StepEvent['step'], status: StepEvent['status'], message: string) => void;
  j: (step: string, data?: Record<string, unknown>) => Promise<void>;
}

/** Endpoints with the leaf they served before (from the old bytes), for the rollback probe. */
export function oldEndpoints(req: DeployRequest, targets: Target[]): VerifyEndpoint[] {
  const byPath = new Map(targets.map((t) => [t.file.path, t]));
  const out: VerifyEndpoint[] = [];
  for (const e of req.verify) {
    const check = req.checks.find((c) => c.service === e.service && (!e.algorithm || c.algorithm === e.algorithm));
    const leafPath = check?.paths[0];
    const t = leafPath ? byPath.get(leafPath) : undefined;
    const old = t?.before.bytes ? leafIdentity(t.before.bytes) : undefined;
    if (old) out.push({ ...e, expect: { fingerprint: old.fingerprint } });
  }
  return out;
}

/** What crash recovery needs, journalled before the swap: paths and identities, no bytes. */
export function recoveryRecord(ctx: TxContext, reloadPending: boolean): Record<string, unknown> {
  const { req, deps, targets } = ctx;
  return {
    state_dir: deps.stateDir,
    reload_pending: reloadPending,
    services: req.services,
    verify_old: oldEndpoints(req, targets),
    targets: targets.filter((t) => t.action !== 'none').map((t) => ({
      path: t.file.path, effective_path: t.effectivePath, replace_symlink: t.file.replaceSymlink,
      action: t.action, temp: t.temp, backup: t.backup, sha256: t.sha256, mode: t.file.mode, uid: t.uid, gid: t.gid,
      before: { exists: t.before.exists, replaced_link: t.before.replacedLink, sha256: t.before.sha256, mode: t.before.mode, uid: t.before.uid, gid: t.before.gid },
    })),
    manifest: {
      plan_hash: req.planHash ?? null, inventory_commit: req.inventoryCommit ?? null,
      change_ids: req.changeIds ?? [], files: manifestFiles(targets),
    },
  };
}

export async function rollback(ctx: TxContext, stage: Stage, reason: string, reload: boolean): Promise<GroupResult> {
  const { req, deps, r, targets, ev, j } = ctx;
  const { session } = deps;
  fail(r, stage, reason);
  ev(stage, 'fail', reason);
  const touched = targets.filter((t) => t.swapped);
  if (!touched.length) {
    // Nothing was written (a reload-only change, or the first rename failed): nothing to undo.
    r.outcome = 'failed';
    const left = await tidy(session, targets, r);
    await j('done', { outcome: r.outcome, stage, left });
    return r;
  }
  r.outcome = 'rolled-back';

  ev('restore', 'start', `restoring ${touched.length} file(s)`);
  await j('restore', { stage });
  const errors: string[] = [];
  for (const t of [...touched].reverse()) {
    try {
      await restore(session, t);
    } catch (err) {
      errors.push(`${t.file.path}: ${errMessage(err)}`);
    }
  }
  if (errors.length) {
    const kept = targets.filter((t) => t.backedUp).map((t) => t.backup);
    rollbackFailed(r, 'restore', errors.join('; '), kept);
    ev('restore', 'fail', r.rollbackFailure!.message);
    const left = await tidy(session, targets, r, true);
    await j('done', { outcome: r.outcome, stage, rollback_stage: 'restore', backups: kept, left });
    return r;
  }
  await j('restored');

  if (reload) {
    ev('rollback-reload', 'start', 'reloading with the old files');
    await j('rollback-reload');
    for (const s of req.services) {
      const bad = await runAll(session, s.reload, deps.execTimeoutMs);
      if (bad) {
        rollbackFailed(r, 'rollback-reload', `${s.name}: ${bad.message} (old files are back in place: ${touched.map((t) => t.effectivePath).join(', ')})`, []);
        ev('rollback-reload', 'fail', bad.message);
        const left = await tidy(session, targets, r);
        await j('done', { outcome: r.outcome, stage, rollback_stage: 'rollback-reload', left });
        return r;
      }
    }
    await j('reload-ok');
    const old = oldEndpoints(req, targets);
    if (old.length) {
      ev('rollback-verify', 'start', `probing that ${old.length} endpoint(s) serve the old certificate`);
      await j('rollback-verify');
      const verdicts = await verifyAll(old, deps.probe, deps.clock, deps.verifyPolicy);
      const bad = verdicts.filter((v) => !v.ok);
      if (bad.length) {
        rollbackFailed(r, 'rollback-verify', bad.map((v) => `${v.service} ${v.endpoint}: ${v.error ?? 'wrong certificate'}`).join('; '), []);
        ev('rollback-verify', 'fail', r.rollbackFailure!.message);
        const left = await tidy(session, targets, r);
        await j('done', { outcome: r.outcome, stage, rollback_stage: 'rollback-verify', left });
        return r;
      }
    }
  }
  r.problems.push(problem('APPLY_ROLLED_BACK', `${req.host} (${req.group}): ${stage} failed; the old files are back${reload ? ' and served again' : ''}`, { host: req.host, service: servicesOf(req.group, req.host) }));
  ev('done', 'fail', `rolled back after ${stage} failed`);
  const left = await tidy(session, targets, r);
  await j('done', { outcome: r.outcome, stage, left });
  return r;
}
