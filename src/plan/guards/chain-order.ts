// chain-order: the source's certificates are not leaf first with each one issued by the next.
// Postfix and Dovecot send the chain as written; some clients fail on a misordered one. Allowable.
import type { Guard } from './types.ts';
import { materialHits } from './material.ts';

export const chainOrder: Guard = {
  name: 'chain-order',
  code: 'GUARD_CHAIN_ORDER',
  allowable: true,
  description: 'the chain to deploy is not in order (leaf first, each issued by the next)',
  check: (desired, _live, changes) =>
    materialHits(desired, changes, 'GUARD_CHAIN_ORDER', (c) => !c.chainInOrder,
      (s) => `certificate ${s.certificate} (${s.algorithm}) from ${s.origin}: chain is not in issuing order (${[s.leaf, ...s.chain].map((c) => c.subject).join(' <- ')})`),
};
