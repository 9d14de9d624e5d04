// DNS side of the diff: each DANE owner's desired RRset against what the servers publish.
// Missing records → tlsa-publish (exact records). Records of the same usage/selector/type that
// no endpoint serves and no service will serve → tlsa-retire, only with the `current` scheme
// (with `current+next` an unknown record may be the pre-published next key).
import type { Live, TlsaRecord } from '../state/types.ts';
import type { Change, DesiredTlsa } from './types.ts';
import { PHASE } from './types.ts';
import { publishedAnywhere, publishedEverywhere, tlsaLive } from './live-lookup.ts';
import { short, tlsaText } from './util.ts';

export function diffTlsa(t: DesiredTlsa, live: Live): Change[] {
  const lt = tlsaLive(live, t.owner);
  const everywhere = publishedEverywhere(lt);
  if (!everywhere) return []; // no server answered: dane-unvalidated reports it
  const anywhere = publishedAnywhere(lt);
  const anyText = new Set(anywhere.map(tlsaText));
  const before = { records: anywhere.map(tlsaText) };
  const after = { records: t.records.map(tlsaText) };
  const out: Change[] = [];

  const missing = t.records.filter((r) => !everywhere.has(tlsaText(r)));
  if (missing.length > 0) {
    const reasons = missing.map((r) => {
      const partly = anyText.has(tlsaText(r)) ? ' (on some servers only)' : '';
      if (t.servedSpkis.includes(r.data)) return `served key SPKI ${short(r.data)} has no TLSA record${partly}: DANE senders defer mail`;
      return `new key SPKI ${short(r.data)} must be published before it is served${partly}`;
    });
    out.push(change('tlsa-publish', t, missing, before, after, reasons));
  }

  if (t.scheme === 'current') {
    const same = (r: TlsaRecord) => r.usage === t.records[0]?.usage && r.selector === t.records[0]?.selector && r.matchingType === t.records[0]?.matchingType;
    const want = new Set(t.records.map(tlsaText));
    const stale = anywhere.filter((r) => same(r) && !want.has(tlsaText(r)));
    if (stale.length > 0) {
      const reasons = stale.map((r) => `no endpoint serves SPKI ${short(r.data)} and no service will`);
      out.push(change('tlsa-retire', t, stale, before, after, reasons));
    }
  }
  return out;
}

function change(
  action: 'tlsa-publish' | 'tlsa-retire',
  t: DesiredTlsa,
  records: TlsaRecord[],
  before: { records: string[] },
  after: { records: string[] },
  reasons: string[],
): Change {
  return {
    id: `tlsa/${t.owner}/${action === 'tlsa-publish' ? 'publish' : 'retire'}`,
    action,
    target: { zone: t.zone, name: t.owner },
    phase: PHASE[action],
    before,
    after,
    records,
    reasons,
    depends_on: [],
  };
}
