// not-yet-valid: the certificate to deploy starts later than now (clock skew, or a
// pre-issued certificate). Allowable.
import type { Guard } from './types.ts';
import { materialHits } from './material.ts';

export const notYetValid: Guard = {
  name: 'not-yet-valid',
  code: 'GUARD_NOT_YET_VALID',
  allowable: true,
  description: 'the certificate to deploy is not valid yet',
  check: (desired, _live, changes) =>
    materialHits(desired, changes, 'GUARD_NOT_YET_VALID', (c) => c.notYetValid,
      (s) => `certificate ${s.certificate} (${s.algorithm}, serial ${s.leaf.serial}) is valid only from ${s.leaf.notBefore}`),
};
