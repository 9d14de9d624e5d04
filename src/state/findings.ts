// What Live says when its parts are read together: files that are missing, keys that do not
// match, modes that differ, endpoints that serve something else than the disk (a missed reload),
// TLSA records that match no served key and served keys no record matches, expiry. Pure.
import type { Inventory, KeyAlgorithm, Service, TlsaExpectation } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { CertFacts, FileFacts, FileSetFacts, HostLive, Live, ProbeResult, TlsaLive, TlsaRecord } from './types.ts';
import { problem } from '../errors/catalog.ts';
import { daysLeft, formatTlsa, tlsaMatches } from '../pki/index.ts';
import { endpointLabel } from '../probe/tls/index.ts';
import { propagation, recordKey } from '../probe/dns/index.ts';

export const short = (hex: string | undefined, n = 12): string => (hex ? `${hex.slice(0, n)}…` : '?');

const norm = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** The algorithm a probe is about: the forced one, else the served leaf's. */
export function servedAlgorithm(p: ProbeResult): KeyAlgorithm | undefined {
  return p.algorithm ?? p.chain?.[0]?.keyAlgorithm;
}

/** The disk leaf the probe should serve (same algorithm), if any. */
export function diskLeafFor(files: FileSetFacts[], p: ProbeResult): CertFacts | undefined {
  const alg = servedAlgorithm(p);
  const set = files.find((f) => f.algorithm === alg) ?? (files.length === 1 ? files[0] : undefined);
  return set?.cert.certs?.[0];
}

/** The TLSA records that count for an owner: the resolver's answer, else the authoritative leader's. */
export function effectiveRecords(t: TlsaLive | undefined): TlsaRecord[] | undefined {
  if (!t) return undefined;
  if (t.resolver && !t.resolver.error) return t.resolver.records;
  const p = propagation(t);
  return p.servers.some((s) => s.state !== 'error') ? p.records : undefined;
}

export function expectationFor(inv: Inventory, host: string, service: string, p: ProbeResult): TlsaExpectation | undefined {
  return inv.dns.tlsa.find(
    (t) => t.port === p.port && norm(t.hostname) === norm(p.sni) && t.servedBy.some((s) => s.host === host && s.service === service),
  );
}

export function tlsaOf(live: Live, owner: string): TlsaLive | undefined {
  return live.tlsa.find((t) => norm(t.owner) === norm(owner));
}

export function statusFindings(inv: Inventory, live: Live, now: Date): Problem[] {
  const out: Problem[] = [];
  for (const hl of live.hosts) {
    const host = inv.hosts.find((h) => h.name === hl.host);
    if (!host) continue;
    for (const svc of host.services) {
      const sl = hl.services.find((s) => s.service === svc.name);
      if (!sl) continue;
      const renew = inv.certificates.find((c) => c.name === svc.certificate)?.renewBeforeDays ?? 30;
      if (hl.reachable) for (const set of sl.files) out.push(...fileFindings(hl, svc, set, renew, now));
      out.push(...wireFindings(hl, svc, sl.files, sl.probes, renew, now));
    }
  }
  for (const t of inv.dns.tlsa) out.push(...tlsaFindings(inv, live, t));
  return out;
}

function fileFindings(hl: HostLive, svc: Service, set: FileSetFacts, renew: number, now: Date): Problem[] {
  const out: Problem[] = [];
  const where = (f: FileFacts) => ({ host: hl.host, service: svc.name, path: f.path });
  const files: Array<[FileFacts, string]> = [[set.cert, svc.ownership.certMode], [set.key, svc.ownership.keyMode]];
  if (set.chain) files.push([set.chain, svc.ownership.certMode]);
  const seen = new Set<string>();
  for (const [f, wantMode] of files) {
    if (seen.has(f.path)) continue;
    seen.add(f.path);
    // A combined file holds the key: it gets the key's mode.
    const want = f.path === set.key.path ? svc.ownership.keyMode : wantMode;
    if (!f.exists) {
      if (!f.error) out.push(problem('LIVE_FILE_MISSING', `${f.path} (${set.algorithm}) does not exist`, where(f)));
      continue;
    }
    const bits: string[] = [];
    if (f.mode && f.mode !== want) bits.push(`mode ${f.mode}, want ${want}`);
    const owner = f.owner ?? (f.uid !== undefined ? String(f.uid) : undefined);
    const group = f.group ?? (f.gid !== undefined ? String(f.gid) : undefined);
    if (owner !== undefined && f.owner !== undefined && owner !== svc.ownership.owner) bits.push(`owner ${owner}, want ${svc.ownership.owner}`);
    if (group !== undefined && f.group !== undefined && group !== svc.ownership.group) bits.push(`group ${group}, want ${svc.ownership.group}`);
    if (bits.length) out.push(problem('LIVE_FILE_PERMS', `${f.path}: ${bits.join('; ')}`, where(f)));
  }
  const leaf = set.cert.certs?.[0];
  if (set.keyMatchesCert === false) {
    out.push(problem('LIVE_KEY_MISMATCH', `${set.key.path} (SPKI ${short(set.key.key?.spki)}) does not belong to the certificate in ${set.cert.path} (SPKI ${short(leaf?.spki)})`, where(set.key)));
  }
  if (set.cert.exists && set.key.exists && !set.key.key && !set.key.error) {
    out.push(problem('LIVE_FILE_INVALID', `${set.key.path}: no private key in the file`, where(set.key)));
  }
  if (set.chainInOrder === false) out.push(problem('LIVE_CHAIN_ORDER', `${set.cert.path}: certificates are not in issuing order`, where(set.cert)));
  if (leaf) out.push(...expiry(`certificate on disk ${set.cert.path} (serial ${leaf.serial})`, leaf, renew, now, where(set.cert)));
  return out;
}

function expiry(what: string, c: CertFacts, renew: number, now: Date, where: Problem['where']): Problem[] {
  const d = daysLeft(c, now);
  if (d < 0) return [problem('LIVE_CERT_EXPIRED', `${what} expired ${-d} days ago (${c.notAfter})`, where)];
  if (d <= renew) return [problem('LIVE_CERT_EXPIRING', `${what} expires in ${d} days (${c.notAfter}); renewal window ${renew} days`, where)];
  return [];
}

function wireFindings(hl: HostLive, svc: Service, files: FileSetFacts[], probes: ProbeResult[], renew: number, now: Date): Problem[] {
  const out: Problem[] = [];
  const expiring = new Set<string>();
  for (const p of probes) {
    const leaf = p.ok ? p.chain?.[0] : undefined;
    if (!leaf) continue;
    const where = { host: hl.host, service: svc.name, endpoint: endpointLabel(p) };
    const disk = hl.reachable ? diskLeafFor(files, p) : undefined;
    if (disk && disk.fingerprint !== leaf.fingerprint) {
      out.push(problem('LIVE_RELOAD_MISSING', `serves serial ${leaf.serial} (SPKI ${short(leaf.spki)}, until ${leaf.notAfter.slice(0, 10)}) but the file on disk holds serial ${disk.serial} (SPKI ${short(disk.spki)}): reload missing?`, where));
    }
    // Served certificates that are not the disk's get their own expiry finding (once each).
    if ((!disk || disk.fingerprint !== leaf.fingerprint) && !expiring.has(leaf.fingerprint)) {
      expiring.add(leaf.fingerprint);
      out.push(...expiry(`served certificate (serial ${leaf.serial})`, leaf, renew, now, where));
    }
  }
  return out;
}

function tlsaFindings(inv: Inventory, live: Live, t: TlsaExpectation): Problem[] {
  const tl = tlsaOf(live, t.owner);
  const records = effectiveRecords(tl);
  if (!tl || records === undefined) return []; // not gathered, or DNS failed (reported by gather)
  const where = { dns: t.owner };
  const served = new Map<string, { leaf: CertFacts; chain: CertFacts[]; at: string[] }>();
  for (const s of t.servedBy) {
    const sl = live.hosts.find((h) => h.host === s.host)?.services.find((x) => x.service === s.service);
    for (const p of sl?.probes ?? []) {
      const leaf = p.ok ? p.chain?.[0] : undefined;
      if (!leaf || p.port !== t.port || norm(p.sni) !== norm(t.hostname)) continue;
      const e = served.get(leaf.fingerprint) ?? { leaf, chain: p.chain ?? [], at: [] };
      e.at.push(`${s.host} ${endpointLabel(p)}`);
      served.set(leaf.fingerprint, e);
    }
  }
  const out: Problem[] = [];
  // The authoritative TTL: a resolver's answer counts down from its cache.
  const ttl = tl.authoritative.find((a) => a.ttl)?.ttl ?? tl.resolver?.ttl ?? 3600;
  if (records.length === 0) {
    const want = [...served.values()].map((e) => formatTlsa(t.owner, ttl, { usage: t.usage, selector: t.selector, matchingType: t.matchingType, data: e.leaf.spki }));
    out.push(problem('LIVE_TLSA_MISSING', `${t.owner} has no TLSA record${want.length ? `; to publish: ${want.join(' ; ')}` : ''}`, where));
    return out;
  }
  const used = new Set<string>();
  for (const e of served.values()) {
    const m = tlsaMatches(records, e.chain.length ? e.chain : [e.leaf]);
    for (const x of m.matched) used.add(recordKey(x.record));
    if (!m.ok) {
      const rec = formatTlsa(t.owner, ttl, { usage: 3, selector: 1, matchingType: 1, data: e.leaf.spki });
      out.push(problem('LIVE_TLSA_NO_MATCH', `${e.at.join(', ')} serves SPKI ${short(e.leaf.spki)} which no TLSA record of ${t.owner} matches; it needs: ${rec}`, where));
    }
  }
  if (served.size === 0) return out; // nothing answered on the wire: nothing to say about records
  const unused = records.filter((r) => !used.has(recordKey(r)));
  for (const r of unused) {
    const severity = t.scheme === 'current+next' && unused.length === 1 ? 'info' : undefined;
    out.push(problem('LIVE_TLSA_UNUSED', `${t.owner} TLSA ${recordKey(r)} matches no key served on port ${t.port}`, where, severity));
  }
  return out;
}
