// dane-unvalidated: for a DANE owner the plan touches, the TLSA answer could not be trusted:
// the validating resolver gave no AD bit (or failed), or the authoritative servers disagree
// (lagging secondary, lost NOTIFY). Allowable, for a zone known to be mid-transfer.
import { problem } from '../../errors/catalog.ts';
import type { Guard, GuardHit } from './types.ts';
import { daneTouches } from './dane-endpoints.ts';
import { tlsaLive } from '../live-lookup.ts';
import { tlsaText } from '../util.ts';

export const daneUnvalidated: Guard = {
  name: 'dane-unvalidated',
  code: 'GUARD_DANE_UNVALIDATED',
  allowable: true,
  description: 'the TLSA answer is not DNSSEC-validated or the authoritative servers disagree',
  check(desired, live, changes) {
    const owners = new Set(daneTouches(desired, live, changes).map((t) => t.owner));
    for (const c of changes) if (c.action.startsWith('tlsa-') && c.target.name) owners.add(c.target.name);
    const hits: GuardHit[] = [];
    const hit = (owner: string, msg: string, server?: string) =>
      hits.push({
        problem: problem('GUARD_DANE_UNVALIDATED', msg, server ? { dns: owner, server } : { dns: owner }),
        changeIds: changes.filter((c) => c.target.name === owner).map((c) => c.id),
      });
    for (const owner of [...owners].sort()) {
      const t = tlsaLive(live, owner);
      if (!t) {
        hit(owner, `no TLSA answer was gathered for ${owner}`);
        continue;
      }
      const r = t.resolver;
      if (r?.error) hit(owner, `validating resolver failed for ${owner}: ${r.error}`, r.server);
      else if (r && !r.ad) hit(owner, `validating resolver answered ${owner} without the AD bit (rcode ${r.rcode})`, r.server);
      const ok = t.authoritative.filter((a) => !a.error);
      for (const a of t.authoritative.filter((x) => x.error)) hit(owner, `authoritative server did not answer ${owner}: ${a.error}`, a.server);
      const texts = ok.map((a) => a.records.map(tlsaText).sort().join(', '));
      if (new Set(texts).size > 1) {
        const detail = ok.map((a, i) => `${a.server}${a.soaSerial !== undefined ? ` (serial ${a.soaSerial})` : ''}: {${texts[i] ? texts[i].split(', ').map((x) => x.slice(0, 18)).join(', ') : ''}}`).join('; ');
        hit(owner, `authoritative servers disagree on ${owner}: ${detail}`);
      }
    }
    return hits;
  },
};
