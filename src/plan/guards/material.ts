// Shared shape of the material guards: a finding per certificate × algorithm whose material
// would be deployed, located at the inventory certificate, listing the deploys it concerns.
import { problem } from '../../errors/catalog.ts';
import type { MaterialCheck } from '../../sources/types.ts';
import type { Change, Desired, DesiredSet } from '../types.ts';
import type { GuardHit } from './types.ts';

export function deployedSets(desired: Desired, changes: Change[]): { set: DesiredSet; change: Change }[] {
  const out: { set: DesiredSet; change: Change }[] = [];
  for (const c of changes) {
    if (c.action !== 'deploy') continue;
    const ds = desired.services.find((s) => s.host === c.target.host && s.service === c.target.service);
    const set = ds?.sets.find((s) => s.algorithm === c.target.algorithm);
    if (set) out.push({ set, change: c });
  }
  return out;
}

export function materialHits(
  desired: Desired,
  changes: Change[],
  code: string,
  failing: (check: MaterialCheck) => boolean,
  message: (set: DesiredSet) => string,
): GuardHit[] {
  const byCert = new Map<string, GuardHit>();
  for (const { set, change } of deployedSets(desired, changes)) {
    if (!failing(set.check)) continue;
    const key = `${set.certificate}/${set.algorithm}`;
    const hit = byCert.get(key) ?? { problem: problem(code, message(set), set.loc), changeIds: [] };
    hit.changeIds.push(change.id);
    byCert.set(key, hit);
  }
  return [...byCert.values()];
}
