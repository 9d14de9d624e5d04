// The guard registry (explicit name → guard) and the one function that runs them all and
// decides, with `--allow`, which findings block the plan.
import { problem } from '../../errors/catalog.ts';
import type { Problem } from '../../errors/problem.ts';
import type { Live } from '../../state/types.ts';
import type { Change, Desired, GuardFinding } from '../types.ts';
import type { Guard, GuardContext } from './types.ts';
import { chainOrder } from './chain-order.ts';
import { daneGap } from './dane-gap.ts';
import { daneUnvalidated } from './dane-unvalidated.ts';
import { downgrade } from './downgrade.ts';
import { expired } from './expired.ts';
import { keyMismatch } from './key-mismatch.ts';
import { namesNotCovered } from './names-not-covered.ts';
import { notYetValid } from './not-yet-valid.ts';
import { unreachableHost } from './unreachable-host.ts';

export const guards: ReadonlyMap<string, Guard> = new Map(
  [daneGap, daneUnvalidated, keyMismatch, namesNotCovered, expired, notYetValid, chainOrder, downgrade, unreachableHost].map((g) => [g.name, g]),
);

/** Problems with the `--allow` list itself: unknown names, never-allowable guards. */
export function checkAllow(allow: readonly string[]): Problem[] {
  const out: Problem[] = [];
  for (const name of allow) {
    const g = guards.get(name);
    if (!g) out.push(problem('ALLOW_UNKNOWN', `--allow ${name}: no such guard`));
    else if (!g.allowable) out.push(problem('ALLOW_REFUSED', `--allow ${name}: this guard can never be allowed`));
  }
  return out;
}

export function runGuards(desired: Desired, live: Live, changes: Change[], ctx: GuardContext, allow: readonly string[]): GuardFinding[] {
  const allowed = new Set(allow);
  const out: GuardFinding[] = [];
  for (const g of guards.values()) {
    for (const hit of g.check(desired, live, changes, ctx)) {
      const isAllowed = g.allowable && allowed.has(g.name);
      out.push({
        guard: g.name,
        allowable: g.allowable,
        allowed: isAllowed,
        blocks: !isAllowed && hit.problem.severity === 'error',
        problem: hit.problem,
        change_ids: [...hit.changeIds].sort(),
      });
    }
  }
  return out;
}

export type { Guard, GuardContext, GuardHit } from './types.ts';
