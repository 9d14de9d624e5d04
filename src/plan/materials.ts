// Loads the source material for every certificate × algorithm the included services use.
import type { Inventory, KeyAlgorithm } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import { loadSource } from '../sources/index.ts';
import type { CertMaterial, SourceContext } from '../sources/types.ts';

export type MaterialMap = Map<string, CertMaterial>;

export function materialKey(certificate: string, algorithm: KeyAlgorithm): string {
  return `${certificate}/${algorithm}`;
}

export async function loadMaterials(
  inventory: Inventory,
  ctx: SourceContext,
  hosts?: ReadonlySet<string>,
): Promise<{ materials: MaterialMap; problems: Problem[] }> {
  const wanted = new Map<string, { certificate: string; algorithm: KeyAlgorithm }>();
  for (const h of inventory.hosts) {
    if (hosts && !hosts.has(h.name)) continue;
    for (const s of h.services)
      for (const alg of Object.keys(s.files) as KeyAlgorithm[])
        wanted.set(materialKey(s.certificate, alg), { certificate: s.certificate, algorithm: alg });
  }
  const materials: MaterialMap = new Map();
  const problems: Problem[] = [];
  for (const [key, w] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cert = inventory.certificates.find((c) => c.name === w.certificate);
    if (!cert) continue; // the inventory validator reports unknown certificate names
    const r = await loadSource(cert, w.algorithm, ctx);
    if (r.ok) materials.set(key, r.material);
    else problems.push(...r.problems);
  }
  return { materials, problems };
}
