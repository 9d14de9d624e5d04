// Inventory + source material (+ what is served now) → Desired: per service per algorithm the
// exact bytes of each target file, and per DANE owner the TLSA RRset it must have.
import type { Inventory, KeyAlgorithm, TlsaExpectation } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { Live, TlsaRecord } from '../state/types.ts';
import { desiredFiles } from './desired-files.ts';
import { type MaterialMap, materialKey } from './materials.ts';
import type { Desired, DesiredService, DesiredSet, DesiredTlsa } from './types.ts';

export interface DesiredInput {
  inventory: Inventory;
  materials: MaterialMap;
  /** Used for the TLSA RRsets: keys served now stay published until unserved. */
  live?: Live;
  /** Only these hosts (after --host/--exclude); all when absent. */
  hosts?: ReadonlySet<string>;
  problems?: Problem[];
}

export function buildDesired(input: DesiredInput): Desired {
  const { inventory, materials } = input;
  const services: DesiredService[] = [];
  for (const h of inventory.hosts) {
    if (input.hosts && !input.hosts.has(h.name)) continue;
    for (const s of h.services) {
      const cert = inventory.certificates.find((c) => c.name === s.certificate);
      const sets: DesiredSet[] = [];
      for (const alg of Object.keys(s.files).sort() as KeyAlgorithm[]) {
        const fs = s.files[alg];
        const m = materials.get(materialKey(s.certificate, alg));
        if (!fs || !m) continue; // the source's problem is already reported
        sets.push({
          host: h.name,
          service: s.name,
          algorithm: alg,
          certificate: s.certificate,
          files: desiredFiles(fs, m, s.ownership),
          leaf: m.leaf,
          chain: m.chain,
          keySpki: m.key.spki,
          sourceFingerprint: m.fingerprint,
          origin: m.origin,
          check: m.check,
          replaceSymlinks: s.replaceSymlinks,
          loc: cert?.loc ?? s.loc,
        });
      }
      services.push({ host: h.name, service: s.name, mode: s.mode, certificate: s.certificate, sets, endpoints: s.endpoints, loc: s.loc });
    }
  }
  const tlsa = inventory.dns.tlsa
    .filter((t) => !input.hosts || t.servedBy.some((b) => input.hosts?.has(b.host)))
    .map((t) => desiredTlsa(t, services, input.live));
  return { services, tlsa, problems: input.problems ?? [] };
}

/** SPKIs served now on this owner's port and name, by the services that serve it. */
export function servedSpkis(t: TlsaExpectation, live: Live | undefined): string[] {
  const out = new Set<string>();
  for (const b of t.servedBy) {
    const sl = live?.hosts.find((h) => h.host === b.host)?.services.find((s) => s.service === b.service);
    for (const p of sl?.probes ?? []) {
      const leaf = p.chain?.[0];
      if (p.ok && leaf && p.port === t.port && p.sni.toLowerCase() === t.hostname.toLowerCase()) out.add(leaf.spki);
    }
  }
  return [...out].sort();
}

function desiredTlsa(t: TlsaExpectation, services: DesiredService[], live: Live | undefined): DesiredTlsa {
  const desired = new Set<string>();
  for (const b of t.servedBy) {
    const ds = services.find((s) => s.host === b.host && s.service === b.service);
    for (const set of ds?.sets ?? []) desired.add(set.keySpki);
  }
  const served = servedSpkis(t, live);
  // The `x 1 1` data is the SPKI SHA-256; other selector/matching types are not generated (yet).
  const spkis = [...new Set([...served, ...desired])].sort();
  const records: TlsaRecord[] = spkis.map((data) => ({ usage: t.usage, selector: t.selector, matchingType: t.matchingType, data }));
  return {
    owner: t.owner,
    zone: t.zone,
    scheme: t.scheme,
    records,
    desiredSpkis: [...desired].sort(),
    servedSpkis: served,
    holdSeconds: t.holdSeconds,
    servedBy: t.servedBy,
    loc: t.loc,
  };
}
