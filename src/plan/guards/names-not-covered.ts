// names-not-covered: the leaf's subjectAltNames do not cover every name the inventory lists
// for the certificate (clients checking names would fail). Allowable.
import type { Guard } from './types.ts';
import { materialHits } from './material.ts';

export const namesNotCovered: Guard = {
  name: 'names-not-covered',
  code: 'GUARD_NAMES_NOT_COVERED',
  allowable: true,
  description: 'the certificate to deploy does not cover every inventory name',
  check: (desired, _live, changes) =>
    materialHits(desired, changes, 'GUARD_NAMES_NOT_COVERED', (c) => c.missingNames.length > 0,
      (s) => `certificate ${s.certificate} (${s.algorithm}) does not cover ${s.check.missingNames.join(', ')} (it covers ${s.leaf.names.join(', ') || 'no DNS names'})`),
};
