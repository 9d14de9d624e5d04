// downgrade: a deploy whose new certificate expires earlier than the one served now (or on
// disk, when nothing is served): usually a stale source. Allowable.
import { problem } from '../../errors/catalog.ts';
import type { Guard, GuardHit } from './types.ts';
import { deployedSets } from './material.ts';
import { probeAlgorithm, serviceLive } from '../live-lookup.ts';

export const downgrade: Guard = {
  name: 'downgrade',
  code: 'GUARD_DOWNGRADE',
  allowable: true,
  description: 'the new certificate expires earlier than the one served',
  check(desired, live, changes) {
    const hits: GuardHit[] = [];
    for (const { set, change } of deployedSets(desired, changes)) {
      const probes = serviceLive(live, set.host, set.service)?.probes ?? [];
      const served = probes
        .filter((p) => p.ok && probeAlgorithm(p) === set.algorithm)
        .map((p) => p.chain?.[0]?.notAfter)
        .filter((x): x is string => !!x);
      const current = served.length ? served.sort().at(-1) : change.before.not_after;
      if (!current || new Date(set.leaf.notAfter) >= new Date(current)) continue;
      const msg = `${set.host}/${set.service} (${set.algorithm}): new certificate expires ${set.leaf.notAfter}, earlier than the current ${current}`;
      hits.push({ problem: problem('GUARD_DOWNGRADE', msg, { host: set.host, service: set.service }), changeIds: [change.id] });
    }
    return hits;
  },
};
