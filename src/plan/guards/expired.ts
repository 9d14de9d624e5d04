// expired: the certificate to deploy is past its notAfter. Allowable (DANE-EE senders ignore
// dates), but never by accident.
import type { Guard } from './types.ts';
import { materialHits } from './material.ts';

export const expired: Guard = {
  name: 'expired',
  code: 'GUARD_EXPIRED',
  allowable: true,
  description: 'the certificate to deploy has expired',
  check: (desired, _live, changes) =>
    materialHits(desired, changes, 'GUARD_EXPIRED', (c) => c.expired,
      (s) => `certificate ${s.certificate} (${s.algorithm}, serial ${s.leaf.serial}) expired on ${s.leaf.notAfter}`),
};
