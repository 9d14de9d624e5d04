// The lab's zones as inventory Zone objects, from the lab's own description (test/lab).
import { labEnv } from '../../lab/env.ts';
import type { SecretRef, Zone } from '../../../src/inventory/types.ts';

export const env = labEnv();
const addr = (a: { address: string; port: number }) => `${a.address}:${a.port}`;

export const primary = addr(env.dns.primary);
export const secondary = addr(env.dns.secondary);
export const resolver = addr(env.dns.resolver);
export const authoritative = [primary, secondary];

export function labZone(secret: SecretRef = { kind: 'file', path: env.dns.tsig.knsupdateKeyFile }): Zone {
  return {
    name: env.dns.zone,
    provider: 'rfc2136',
    primary,
    authoritative,
    tsig: { name: env.dns.tsig.name, algorithm: env.dns.tsig.algorithm, secret },
    loc: { file: 'hosts.yaml', line: 1, column: 1 },
  };
}
