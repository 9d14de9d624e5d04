// DNS zones mailtls may publish TLSA records in.
import type { Defaulted, Zone } from '../types.ts';
import type { RawInventory } from '../raw.ts';
import { parseSecretRef } from '../secrets.ts';
import type { Ctx } from './context.ts';
import { at } from './context.ts';

export const DEFAULT_TSIG_ALGORITHM = 'hmac-sha256';

export function resolveZones(ctx: Ctx, raw: RawInventory): Zone[] {
  return Object.entries(raw.dns?.zones ?? {}).map(([name, z]) => {
    const defaulted: Defaulted = {};
    const zone: Zone = {
      name: name.replace(/\.$/, '').toLowerCase(),
      provider: z.provider,
      primary: z.primary,
      authoritative: z.authoritative ?? ((defaulted.authoritative = 'default (primary)'), [z.primary]),
      defaulted,
      loc: at(ctx, ['dns', 'zones', name]),
    };
    if (z.tsig) {
      zone.tsig = { name: z.tsig.name, algorithm: z.tsig.algorithm ?? DEFAULT_TSIG_ALGORITHM, secret: parseSecretRef(z.tsig.secret)! };
      if (!z.tsig.algorithm) defaulted['tsig.algorithm'] = 'default';
    }
    return zone;
  });
}

/** The zone a name lives in: the longest declared zone that is a suffix of it. */
export function zoneFor(zones: Zone[], name: string): Zone | undefined {
  const n = name.replace(/\.$/, '').toLowerCase();
  let best: Zone | undefined;
  for (const z of zones) {
    if ((n === z.name || n.endsWith(`.${z.name}`)) && (!best || z.name.length > best.name.length)) best = z;
  }
  return best;
}
