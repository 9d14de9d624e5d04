// makePlan: Desired + Live (+ --allow, clock, git) → Plan. Pure given its inputs: the same
// inputs give the same plan, byte for byte.
import type { Inventory } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { Live } from '../state/types.ts';
import type { Change, Desired, GuardFinding, Plan, PlanSummary, ServiceGroup } from './types.ts';
import { PLAN_FORMAT_VERSION } from './types.ts';
import { diff } from './diff.ts';
import { checkAllow, runGuards } from './guards/index.ts';
import { desiredFingerprints, observedFingerprints } from './observed.ts';
import { planHash } from './plan-hash.ts';
import type { GitInfo } from './git-info.ts';

export interface MakePlanInput {
  inventory: Inventory;
  desired: Desired;
  live: Live;
  allow?: readonly string[];
  now: Date;
  git?: GitInfo;
  /** Hosts left out by --host/--exclude. */
  excluded?: readonly string[];
  /** From the state store: when each `owner|record` was first on every authoritative server. */
  tlsaFirstSeen?: ReadonlyMap<string, string>;
  /** From the state store: the largest TTL ever seen per TLSA owner. */
  tlsaMaxTtl?: ReadonlyMap<string, number>;
}

export function makePlan(input: MakePlanInput): Plan {
  const { inventory, desired, live, now } = input;
  const allow = input.allow ?? [];
  const d = diff(desired, live, inventory, now);
  const guards = runGuards(desired, live, d.changes, { inventory, now, tlsaFirstSeen: input.tlsaFirstSeen, tlsaMaxTtl: input.tlsaMaxTtl }, allow);
  const unreachable = live.hosts.filter((h) => !h.reachable).map((h) => h.host).sort();
  const problems: Problem[] = [
    ...checkAllow(allow),
    ...desired.problems,
    ...d.problems,
    ...live.problems,
    ...live.hosts.filter((h) => h.reachable).flatMap((h) => h.problems),
  ];
  const groups: ServiceGroup[] = [];
  for (const g of new Map([...d.groups.values()].map((x) => [x.id, x])).values()) {
    const ids = d.changes.filter((c) => c.group === g.id).map((c) => c.id);
    if (ids.length) groups.push({ id: g.id, host: g.host, services: g.services, key_spkis: g.keySpkis, change_ids: ids });
  }
  groups.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    format_version: PLAN_FORMAT_VERSION,
    created_at: now.toISOString(),
    plan_hash: planHash(d.changes),
    inventory: { path: inventory.path, sha256: inventory.sha256, commit: input.git?.commit ?? null, dirty: input.git?.dirty ?? null },
    partial: { excluded: [...(input.excluded ?? [])].sort(), unreachable },
    observed: observedFingerprints(desired, live),
    desired_fingerprints: desiredFingerprints(desired),
    changes: d.changes,
    groups,
    guards,
    problems,
    summary: summarize(d.changes, guards, problems),
  };
}

export function summarize(changes: Change[], guards: GuardFinding[], problems: Problem[]): PlanSummary {
  const n = (a: string) => changes.filter((c) => c.action === a).length;
  const recs = (a: string) => changes.filter((c) => c.action === a).reduce((s, c) => s + (c.records?.length ?? 0), 0);
  return {
    deploys: n('deploy'),
    fix_perms: n('fix-perms'),
    reloads: n('reload'),
    tlsa_publish: recs('tlsa-publish'),
    tlsa_retire: recs('tlsa-retire'),
    changes: changes.length,
    guards_blocking: guards.filter((g) => g.blocks).length,
    guards_allowed: guards.filter((g) => g.allowed).length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    hosts_changed: new Set(changes.map((c) => c.target.host).filter(Boolean)).size,
  };
}

/** The plan can be applied: no blocking guard and no error problem. */
export function planBlocked(plan: Plan): boolean {
  return plan.summary.guards_blocking > 0 || plan.problems.some((p) => p.severity === 'error');
}
