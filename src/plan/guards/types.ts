// A guard is a named safety check over a plan-to-be. It returns findings; the engine decides,
// from `allowable` and the user's `--allow NAME`, whether each finding blocks the plan.
import type { Inventory } from '../../inventory/types.ts';
import type { Problem } from '../../errors/problem.ts';
import type { Live } from '../../state/types.ts';
import type { Change, Desired } from '../types.ts';

export interface GuardContext {
  inventory: Inventory;
  now: Date;
  /** When each TLSA record (`owner|3 1 1 hex`) was first seen on every authoritative server (state store). */
  tlsaFirstSeen?: ReadonlyMap<string, string>;
  /** Largest TTL ever seen per owner (state store): the hold is at least twice that. */
  tlsaMaxTtl?: ReadonlyMap<string, number>;
}

export interface GuardHit {
  problem: Problem;
  /** The changes this finding is about (empty for plan-wide findings). */
  changeIds: string[];
}

export interface Guard {
  /** Kebab-case name used by `--allow`. */
  name: string;
  /** Catalogue code of its problems. */
  code: string;
  /** May `--allow NAME` override it? */
  allowable: boolean;
  /** One line for `--help` and docs. */
  description: string;
  check(desired: Desired, live: Live, changes: Change[], ctx: GuardContext): GuardHit[];
}
