// DNSSEC health of the DANE path (research/dane.md, invariant 8): the RRSIG over each TLSA
// RRset must outlive what caches may still hold, and the host name's A/AAAA must validate,
// since Postfix skips TLSA for a host whose addresses are insecure. Pure: gather calls it.
import type { Problem } from '../errors/problem.ts';
import type { TlsaLive } from './types.ts';
import { problem } from '../errors/catalog.ts';

/** Floor of the warning window: signers re-sign days ahead, so less than this is already late. */
export const RRSIG_MIN_WINDOW_S = 3 * 86400;

export function dnssecHealthProblems(tlsa: TlsaLive[], now: Date): Problem[] {
  return [...tlsa.flatMap((t) => rrsigProblems(t, now)), ...addressProblems(tlsa)];
}

/** The earliest TLSA RRSIG expiry among the answers that carried one, and who served it. */
export function earliestRrsig(t: TlsaLive): { expires: string; server: string } | undefined {
  const answers = [...(t.resolver ? [t.resolver] : []), ...t.authoritative];
  let best: { expires: string; server: string } | undefined;
  for (const a of answers) {
    if (a.error || !a.rrsigExpires) continue;
    if (!best || Date.parse(a.rrsigExpires) < Date.parse(best.expires)) best = { expires: a.rrsigExpires, server: a.server };
  }
  return best;
}

export function rrsigProblems(t: TlsaLive, now: Date): Problem[] {
  const e = earliestRrsig(t);
  if (!e) return [];
  const ttls = [...(t.resolver ? [t.resolver] : []), ...t.authoritative].map((a) => a.ttl ?? 0);
  const windowS = Math.max(2 * Math.max(0, ...ttls), RRSIG_MIN_WINDOW_S);
  const leftS = Math.floor((Date.parse(e.expires) - now.getTime()) / 1000);
  const where = { dns: t.owner, server: e.server };
  if (leftS <= 0) {
    return [problem('LIVE_TLSA_RRSIG_EXPIRING', `${t.owner} TLSA: the RRSIG served by ${e.server} expired at ${e.expires}`, where, 'error')];
  }
  if (leftS > windowS) return [];
  return [problem('LIVE_TLSA_RRSIG_EXPIRING', `${t.owner} TLSA: the RRSIG served by ${e.server} expires at ${e.expires} (in ${duration(leftS)}), within ${duration(windowS)} (max of 2 × TTL and 3 days)`, where)];
}

/** One finding per host name whose addresses came back without AD, naming the TLSA owners it affects. */
export function addressProblems(tlsa: TlsaLive[]): Problem[] {
  const byName = new Map<string, { owners: string[]; t: TlsaLive }>();
  for (const t of tlsa) {
    const h = t.hostAddresses;
    if (!h || h.ad) continue;
    const e = byName.get(h.name) ?? { owners: [], t };
    e.owners.push(t.owner);
    byName.set(h.name, e);
  }
  return [...byName].map(([name, { owners, t }]) => {
    const h = t.hostAddresses!;
    const seen = h.addresses.length ? h.addresses.join(', ') : 'no address';
    const why = h.errors.length ? `; ${h.errors.join('; ')}` : '';
    return problem('LIVE_ADDRESS_NOT_VALIDATED', `${name} A/AAAA (${seen}) did not validate (AD clear${why}): Postfix ignores ${owners.join(', ')}`, { dns: name });
  });
}

function duration(s: number): string {
  return s >= 86400 ? `${Math.floor(s / 86400)} days` : s >= 3600 ? `${Math.floor(s / 3600)} hours` : `${Math.max(0, Math.floor(s / 60))} minutes`;
}
