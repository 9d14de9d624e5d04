// Wire side of the diff: what the endpoints of a service serve, compared with the desired leaf.
import type { ProbeResult } from '../state/types.ts';
import type { DesiredSet, Identity } from './types.ts';
import { certIdentity, probeAlgorithm } from './live-lookup.ts';
import { short } from './util.ts';

export interface WireVerdict {
  /** An endpoint serves something else than the desired leaf. */
  stale: boolean;
  reasons: string[];
  served: Identity;
  /** Latest notAfter served for this algorithm (for expiry reasons and downgrade). */
  servedNotAfter?: string;
}

function where(p: ProbeResult): string {
  return `${p.address}:${p.port}`;
}

export function diffWire(set: DesiredSet, probes: ProbeResult[]): WireVerdict {
  const mine = probes.filter((p) => p.ok && p.chain?.[0] && probeAlgorithm(p) === set.algorithm);
  let served: Identity = {};
  let servedNotAfter: string | undefined;
  const reasons: string[] = [];
  const staleAt: string[] = [];
  for (const p of mine) {
    const leaf = p.chain?.[0];
    if (!leaf) continue;
    if (!servedNotAfter || leaf.notAfter > servedNotAfter) servedNotAfter = leaf.notAfter;
    if (leaf.fingerprint === set.leaf.fingerprint) continue;
    served = certIdentity(leaf);
    staleAt.push(where(p));
    if (reasons.length === 0) {
      reasons.push(
        leaf.spki !== set.keySpki
          ? `served SPKI ${short(leaf.spki)} differs from the desired ${short(set.keySpki)}`
          : `served certificate (serial ${leaf.serial}) differs from the desired (serial ${set.leaf.serial})`,
      );
    }
  }
  if (staleAt.length > 0) reasons.push(`stale on ${staleAt.join(', ')}`);
  return { stale: staleAt.length > 0, reasons, served, servedNotAfter };
}
