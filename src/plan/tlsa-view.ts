// The DNS side of a DANE rollover, per owner name (dane.md §(b) S0–S8), as plain data: every
// record published or wanted, which key it belongs to, where it is (each authoritative server,
// the validating resolver with its AD bit), when it was first seen everywhere and when its hold
// ends, which endpoints were probed, and what the operator does next. Pure: Live, Desired and
// the history maps in, data out.
import type { TlsaExpectation } from '../inventory/types.ts';
import type { Live, TlsaLive, TlsaRecord } from '../state/types.ts';
import type { DesiredTlsa } from './types.ts';
import { serviceLive, tlsaLive } from './live-lookup.ts';
import { tlsaText } from './util.ts';
import { paramsUnsupported } from './tlsa-rules.ts';

/** Whose key a record holds: served now, the desired (next) key, both, none we know, or other parameters than the inventory's. */
export type KeyRole = 'served' | 'desired' | 'served+desired' | 'unknown' | 'unmanaged';

export interface RecordView {
  record: TlsaRecord;
  /** `3 1 1 <hex>` */
  text: string;
  role: KeyRole;
  /** Authoritative servers that serve it / that answered without it. */
  on: string[];
  missingOn: string[];
  /** On every authoritative server (each answered). */
  everywhere: boolean;
  resolver?: { server: string; has: boolean; ad: boolean; error?: string };
  /** From the history: first seen on every authoritative server. */
  firstSeen?: string;
  /** firstSeen + W. */
  holdEnds?: string;
  holdOver: boolean;
}

export interface EndpointProbe {
  /** `mx1/postfix 127.0.10.1:25` (+ ` rsa` when the algorithm was forced). */
  id: string;
  ok: boolean;
  spki?: string;
  error?: string;
}

export type NextAction =
  | { action: 'publish'; records: TlsaRecord[] }
  | { action: 'wait'; until?: string; records: TlsaRecord[] }
  | { action: 'deploy' }
  | { action: 'retire'; records: TlsaRecord[] }
  | { action: 'retire-blocked'; records: TlsaRecord[]; why: string }
  | { action: 'none' };

export interface OwnerView {
  owner: string;
  zone: string;
  port: number;
  scheme: string;
  params: string;
  /** Why mailtls cannot compute records for this owner (parameters other than 3 1 1). */
  unsupported?: string;
  holdSeconds: number;
  maxTtl?: number;
  /** W = max(hold, 2 × max TTL). */
  windowSeconds: number;
  /** TTL to publish new records with: the RRset's, else the largest seen, else 3600. */
  ttl: number;
  servers: { server: string; rcode: string; serial?: number; error?: string }[];
  resolver?: { server: string; rcode: string; ad: boolean; error?: string };
  records: RecordView[];
  servedSpkis: string[];
  desiredSpkis: string[];
  endpoints: EndpointProbe[];
  /** Endpoints whose probe failed, or services with no probe at all. */
  unprobed: string[];
  /** Desired records not on every authoritative server. */
  missing: TlsaRecord[];
  /** Records of the inventory's parameters that match no served and no desired key. */
  stale: TlsaRecord[];
  next: NextAction[];
}

export interface OwnerInput {
  expectation: TlsaExpectation;
  desired: DesiredTlsa;
  live: Live;
  firstSeen: ReadonlyMap<string, string>;
  maxTtl: ReadonlyMap<string, number>;
  now: Date;
}

export const DEFAULT_TLSA_TTL = 3600;

export function ownerView(input: OwnerInput): OwnerView {
  const { expectation: e, desired: t, live, now } = input;
  const lt = tlsaLive(live, t.owner);
  const answered = (lt?.authoritative ?? []).filter((a) => !a.error);
  const allAnswered = !!lt && lt.authoritative.length > 0 && answered.length === lt.authoritative.length;
  const maxTtl = input.maxTtl.get(t.owner);
  const windowSeconds = Math.max(t.holdSeconds, 2 * (maxTtl ?? 0));
  const served = new Set(t.servedSpkis.map((x) => x.toLowerCase()));
  const desired = new Set(t.desiredSpkis.map((x) => x.toLowerCase()));
  const managed = (r: TlsaRecord) => r.usage === e.usage && r.selector === e.selector && r.matchingType === e.matchingType;
  const role = (r: TlsaRecord): KeyRole => {
    if (!managed(r) || paramsUnsupported(e)) return 'unmanaged';
    const s = served.has(r.data.toLowerCase());
    const d = desired.has(r.data.toLowerCase());
    return s && d ? 'served+desired' : s ? 'served' : d ? 'desired' : 'unknown';
  };

  const byText = new Map<string, TlsaRecord>();
  for (const a of [...(lt?.authoritative ?? []), ...(lt?.resolver ? [lt.resolver] : [])]) for (const r of a.records) byText.set(tlsaText(r), r);
  for (const r of t.records) if (!byText.has(tlsaText(r))) byText.set(tlsaText(r), r);

  const records: RecordView[] = [...byText.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([text, record]) => {
    const on = answered.filter((a) => a.records.some((x) => tlsaText(x) === text)).map((a) => a.server);
    const missingOn = answered.filter((a) => !on.includes(a.server)).map((a) => a.server);
    const everywhere = allAnswered && missingOn.length === 0;
    const v: RecordView = { record, text, role: role(record), on, missingOn, everywhere, holdOver: false };
    const res = lt?.resolver;
    if (res) v.resolver = { server: res.server, has: res.records.some((x) => tlsaText(x) === text), ad: res.ad, ...(res.error ? { error: res.error } : {}) };
    const seen = everywhere ? input.firstSeen.get(`${t.owner}|${text}`) : undefined;
    if (seen) {
      const ends = new Date(new Date(seen).getTime() + windowSeconds * 1000);
      v.firstSeen = seen;
      v.holdEnds = ends.toISOString();
      v.holdOver = ends <= now;
    }
    return v;
  });

  const unsupported = paramsUnsupported(e);
  const wanted = new Set(t.records.map(tlsaText));
  const missing = unsupported ? [] : records.filter((r) => wanted.has(r.text) && !r.everywhere).map((r) => r.record);
  const stale = unsupported ? [] : records.filter((r) => r.role === 'unknown' && r.on.length > 0).map((r) => r.record);
  const endpoints = endpointProbes(e, live);
  const unprobed = endpoints.filter((p) => !p.ok).map((p) => p.id);

  const view: OwnerView = {
    owner: t.owner, zone: t.zone, port: e.port, scheme: t.scheme, params: `${e.usage} ${e.selector} ${e.matchingType}`,
    ...(unsupported ? { unsupported } : {}),
    holdSeconds: t.holdSeconds, ...(maxTtl !== undefined ? { maxTtl } : {}), windowSeconds,
    ttl: rrsetTtl(lt) ?? maxTtl ?? DEFAULT_TLSA_TTL,
    servers: (lt?.authoritative ?? []).map((a) => ({ server: a.server, rcode: a.rcode, ...(a.soaSerial !== undefined ? { serial: a.soaSerial } : {}), ...(a.error ? { error: a.error } : {}) })),
    ...(lt?.resolver ? { resolver: { server: lt.resolver.server, rcode: lt.resolver.rcode, ad: lt.resolver.ad, ...(lt.resolver.error ? { error: lt.resolver.error } : {}) } } : {}),
    records, servedSpkis: t.servedSpkis, desiredSpkis: t.desiredSpkis, endpoints, unprobed, missing, stale, next: [],
  };
  view.next = nextActions(view);
  return view;
}

/** What to do next, in order: publish, wait, deploy, retire (or nothing). */
function nextActions(v: OwnerView): NextAction[] {
  const out: NextAction[] = [];
  if (v.missing.length) out.push({ action: 'publish', records: v.missing });
  const upcoming = v.records.filter((r) => r.role === 'desired');
  const waiting = upcoming.filter((r) => r.everywhere && !r.holdOver);
  if (waiting.length) {
    const ends = waiting.map((r) => r.holdEnds).filter((x): x is string => !!x).sort();
    const until = waiting.every((r) => r.holdEnds) ? ends[ends.length - 1] : undefined;
    out.push({ action: 'wait', ...(until ? { until } : {}), records: waiting.map((r) => r.record) });
  } else if (upcoming.length && !v.missing.length && upcoming.every((r) => r.everywhere && r.holdOver)) out.push({ action: 'deploy' });
  if (v.stale.length) {
    if (v.unprobed.length) out.push({ action: 'retire-blocked', records: v.stale, why: `not every endpoint could be probed: ${v.unprobed.join(', ')}` });
    else out.push({ action: 'retire', records: v.stale });
  }
  if (!out.length) out.push({ action: 'none' });
  return out;
}

/** Every probe of the owner's endpoints (port and name), per serving host/service; a service with none is unprobed. */
export function endpointProbes(e: TlsaExpectation, live: Live): EndpointProbe[] {
  const out: EndpointProbe[] = [];
  for (const b of e.servedBy) {
    const probes = (serviceLive(live, b.host, b.service)?.probes ?? []).filter((p) => p.port === e.port && p.sni.toLowerCase() === e.hostname.toLowerCase());
    if (!probes.length) out.push({ id: `${b.host}/${b.service} port ${e.port}`, ok: false, error: 'not probed' });
    for (const p of probes) {
      const id = `${b.host}/${b.service} ${p.address}:${p.port}${p.algorithm ? ` ${p.algorithm}` : ''}`;
      const spki = p.chain?.[0]?.spki;
      out.push({ id, ok: p.ok && !!spki, ...(spki ? { spki } : {}), ...(p.error ? { error: `${p.error.code}: ${p.error.message}` } : !spki ? { error: 'no certificate' } : {}) });
    }
  }
  return out;
}

function rrsetTtl(lt: TlsaLive | undefined): number | undefined {
  const ttls = (lt?.authoritative ?? []).filter((a) => !a.error && a.ttl !== undefined).map((a) => a.ttl as number);
  return ttls.length ? Math.max(...ttls) : undefined;
}
