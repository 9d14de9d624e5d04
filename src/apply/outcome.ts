// Building a GroupResult: typed failures carry the stage and the catalogue code, so callers and
// renderers never parse messages.
import { problem } from '../errors/catalog.ts';
import type { HostSession } from '../transport/types.ts';
import type { GroupResult, RollbackStage, Stage } from './types.ts';
import { cleanup, type Target } from './targets.ts';

export const STAGE_CODE: Record<Stage, string> = {
  lock: 'LOCK_FAILED',
  inspect: 'APPLY_INSPECT_FAILED',
  check: 'APPLY_MATERIAL_UNPARSABLE',
  stage: 'APPLY_STAGE_FAILED',
  backup: 'APPLY_BACKUP_FAILED',
  swap: 'APPLY_SWAP_FAILED',
  validate: 'APPLY_VALIDATE_FAILED',
  reload: 'APPLY_RELOAD_FAILED',
  verify: 'APPLY_VERIFY_FAILED',
  manifest: 'APPLY_MANIFEST_FAILED',
  cleanup: 'APPLY_CLEANUP_FAILED',
};

export function emptyResult(host: string, group: string): GroupResult {
  return { host, group, outcome: 'unchanged', files: [], reloaded: [], verified: [], problems: [] };
}

export function fail(r: GroupResult, stage: Stage, message: string, code = STAGE_CODE[stage]): void {
  r.failure = { stage, code, message };
  r.problems.push(problem(code, message, { host: r.host, service: servicesOf(r.group, r.host) }));
}

export function rollbackFailed(r: GroupResult, stage: RollbackStage, message: string, backups: string[]): void {
  const where = backups.length ? ` — backups kept: ${backups.join(', ')}` : '';
  r.outcome = 'failed-rollback';
  r.rollbackFailure = { stage, code: 'APPLY_ROLLBACK_FAILED', message, backups };
  r.problems.push(problem('APPLY_ROLLBACK_FAILED', `ROLLBACK FAILED at ${stage} on ${r.host} (${r.group}): ${message}${where}`, { host: r.host, service: servicesOf(r.group, r.host) }));
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Removes our temp (and, unless kept, backup) files; what could not be removed is reported and returned. */
export async function tidy(session: HostSession, targets: Target[], r: GroupResult, keepBackups = false): Promise<string[]> {
  const left = await cleanup(session, targets, keepBackups);
  if (left.length) r.problems.push(problem('APPLY_CLEANUP_FAILED', `left behind on ${r.host}: ${left.join(', ')}`, { host: r.host }));
  return left;
}

/** A group id is `host/svcA+svcB`; a problem's `where` names the host once, then the services. */
export function servicesOf(group: string, host: string): string {
  return group.startsWith(`${host}/`) ? group.slice(host.length + 1) : group;
}
