// key-mismatch: the source's private key does not belong to its leaf certificate. Deploying
// it would break every TLS handshake of the service. Never allowable.
import type { Guard } from './types.ts';
import { materialHits } from './material.ts';

export const keyMismatch: Guard = {
  name: 'key-mismatch',
  code: 'GUARD_KEY_MISMATCH',
  allowable: false,
  description: 'the private key to deploy does not match its certificate',
  check: (desired, _live, changes) =>
    materialHits(desired, changes, 'GUARD_KEY_MISMATCH', (c) => !c.keyMatchesCert,
      (s) => `certificate ${s.certificate} (${s.algorithm}) from ${s.origin}: the key does not match the leaf (leaf SPKI ${s.leaf.spki.slice(0, 12)}, key SPKI ${s.keySpki.slice(0, 12)})`),
};
