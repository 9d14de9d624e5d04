// dane-gap (DANE continuity, DESIGN invariant 5): a deploy or reload would serve a key whose
// `3 1 1` record is not in the TLSA RRset that every authoritative server and the validating
// resolver agree on (and, when the state store knows, has not been there for the hold time).
// A DANE sender would then defer mail to this MX. Never allowable: publish, wait, re-plan.
import { problem } from '../../errors/catalog.ts';
import type { Guard, GuardHit } from './types.ts';
import { daneTouches } from './dane-endpoints.ts';
import { publishedEverywhere, tlsaLive } from '../live-lookup.ts';

export const daneGap: Guard = {
  name: 'dane-gap',
  code: 'GUARD_DANE_GAP',
  allowable: false,
  description: "a new key would be served before its TLSA record is published and validated",
  check(desired, live, changes, ctx) {
    const hits = new Map<string, GuardHit>();
    for (const t of daneTouches(desired, live, changes)) {
      if (t.servedNow.includes(t.spki)) continue; // same key as served now: continuity unchanged
      const exp = ctx.inventory.dns.tlsa.find((x) => x.owner.toLowerCase() === t.owner.toLowerCase());
      const rec = `${exp?.usage ?? 3} ${exp?.selector ?? 1} ${exp?.matchingType ?? 1} ${t.spki}`;
      const published = publishedEverywhere(tlsaLive(live, t.owner));
      let why: string | undefined;
      if (!published?.has(rec)) why = 'its TLSA record is not published on every server';
      else if (ctx.tlsaFirstSeen && exp && exp.holdSeconds > 0) {
        const seen = ctx.tlsaFirstSeen.get(`${t.owner}|${rec}`);
        // W = max(hold, 2 × the largest TTL a cache may still hold: a lowered TTL counts at its old value).
        const hold = Math.max(exp.holdSeconds, 2 * (ctx.tlsaMaxTtl?.get(t.owner) ?? 0));
        const until = seen ? new Date(new Date(seen).getTime() + hold * 1000) : undefined;
        if (!until) why = 'its TLSA record was not seen on every server before';
        else if (until > ctx.now) why = `its TLSA record's hold time runs until ${until.toISOString()}`;
      }
      if (!why) continue;
      const key = `${t.owner}|${rec}`;
      const msg = `${t.host}/${t.service} would serve key SPKI ${t.spki.slice(0, 12)} on ${t.owner} but ${why}; publish: ${t.owner}. IN TLSA ${rec}`;
      const hit = hits.get(key) ?? { problem: problem('GUARD_DANE_GAP', msg, { dns: t.owner }), changeIds: [] };
      if (!hit.changeIds.includes(t.changeId)) hit.changeIds.push(t.changeId);
      hits.set(key, hit);
    }
    return [...hits.values()];
  },
};
