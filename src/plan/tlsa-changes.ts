// Which TLSA records `mailtls tlsa publish` adds and `mailtls tlsa retire` removes, per owner,
// from its OwnerView. Publishing only ever adds (beside what is there: add-before-delete, and
// nothing served loses its record); retiring removes only records of the inventory's
// parameters that match no served key (fresh probes of every endpoint, address and algorithm)
// and no desired key, and never the last record of an RRset. Refusals are problems (exit 4).
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';
import type { TlsaRecord } from '../state/types.ts';
import { MAX_TLSA_RRSET, recordRefusals } from './tlsa-rules.ts';
import type { OwnerView } from './tlsa-view.ts';
import { tlsaText } from './util.ts';

export interface OwnerChange {
  owner: string;
  zone: string;
  ttl: number;
  records: TlsaRecord[];
  /** Why each record is added / removed, in the order of `records`. */
  reasons: string[];
}

export interface TlsaChangeSet {
  changes: OwnerChange[];
  /** Safety refusals: when any is present nothing is sent for any owner. */
  refused: Problem[];
}

export function publishChanges(views: OwnerView[]): TlsaChangeSet {
  const out: TlsaChangeSet = { changes: [], refused: [] };
  for (const v of views) {
    const where = { dns: v.owner };
    if (v.unsupported) {
      if (v.desiredSpkis.length || v.servedSpkis.length) out.refused.push(problem('TLSA_RECORD_UNSAFE', `${v.owner}: ${v.unsupported}`, where));
      continue;
    }
    if (!v.missing.length) continue;
    let bad = false;
    for (const r of v.missing) {
      const why = recordRefusals(r, v.port);
      if (why.length) {
        bad = true;
        out.refused.push(problem('TLSA_RECORD_UNSAFE', `${v.owner}. IN TLSA ${tlsaText(r)}: ${why.join('; ')}`, where));
      }
    }
    const present = new Set(v.records.filter((r) => r.on.length > 0).map((r) => r.text));
    const after = new Set([...present, ...v.missing.map(tlsaText)]);
    if (after.size > MAX_TLSA_RRSET) {
      bad = true;
      out.refused.push(problem('TLSA_RRSET_TOO_LARGE', `${v.owner} would hold ${after.size} TLSA records (${present.size} published + ${v.missing.length} new), more than ${MAX_TLSA_RRSET}`, where));
    }
    if (bad) continue;
    const served = new Set(v.servedSpkis.map((s) => s.toLowerCase()));
    const reasons = v.missing.map((r) => {
      const partly = v.records.find((x) => x.text === tlsaText(r))?.on.length ? ' (on some servers only)' : '';
      return served.has(r.data.toLowerCase()) ? `the served key ${r.data.slice(0, 12)} has no record${partly}` : `the desired key ${r.data.slice(0, 12)} must be published before it is served${partly}`;
    });
    out.changes.push({ owner: v.owner, zone: v.zone, ttl: v.ttl, records: v.missing, reasons });
  }
  return out;
}

export function retireChanges(views: OwnerView[]): TlsaChangeSet {
  const out: TlsaChangeSet = { changes: [], refused: [] };
  for (const v of views) {
    const where = { dns: v.owner };
    if (!v.stale.length) continue;
    if (v.unprobed.length) {
      out.refused.push(problem('TLSA_RETIRE_UNPROBED', `${v.owner}: ${v.stale.length} record(s) match no known key, but not every endpoint could be probed (${v.unprobed.join(', ')}): an unprobed endpoint may still serve one of them`, where));
      continue;
    }
    const removing = new Set(v.stale.map(tlsaText));
    const remaining = v.records.filter((r) => r.on.length > 0 && !removing.has(r.text));
    // Belt and braces: the stale set is built from records no served key matches; check it again.
    const same = (r: { record: TlsaRecord }, s: string) => r.record.data.toLowerCase() === s.toLowerCase();
    const servedGone = v.servedSpkis.filter((s) => v.records.some((r) => r.on.length && same(r, s)) && !remaining.some((r) => same(r, s)));
    if (servedGone.length || !remaining.length) {
      const why = servedGone.length ? `would remove the last record of served key ${servedGone[0]!.slice(0, 12)}` : 'would leave no TLSA record at all (publish the served key first: mailtls tlsa publish)';
      out.refused.push(problem('TLSA_RETIRE_LAST', `${v.owner}: retiring ${v.stale.map(tlsaText).join(', ')} ${why}`, where));
      continue;
    }
    const reasons = v.stale.map((r) => `no endpoint serves key ${r.data.slice(0, 12)} and no service will`);
    out.changes.push({ owner: v.owner, zone: v.zone, ttl: v.ttl, records: v.stale, reasons });
  }
  return out;
}
