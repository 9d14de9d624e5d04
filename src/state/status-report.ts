// The `mailtls status` report: Live arranged per host and service for people and machines
// (schemas/status.schema.json), with the findings and a verdict. Identities only.
import type { Inventory } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { CertFacts, FileFacts, Live, ProbeResult, TlsaLive } from './types.ts';
import { daysLeft, tlsaMatches } from '../pki/index.ts';
import { propagation, recordKey } from '../probe/dns/index.ts';
import { earliestRrsig } from './dnssec-health.ts';
import { diskLeafFor, effectiveRecords, expectationFor, servedAlgorithm, statusFindings, tlsaOf } from './findings.ts';

export const STATUS_FORMAT_VERSION = '1.0';

export interface CertView {
  subject: string;
  issuer: string;
  serial: string;
  names: string[];
  not_after: string;
  days_left: number;
  fingerprint: string;
  spki: string;
  key_algorithm: string;
}

export interface FileView {
  path: string;
  exists: boolean;
  sha256?: string;
  mode?: string;
  owner?: string;
  link_target?: string;
  leaf?: CertView;
  chain_certs?: number;
  key?: { algorithm: string; spki: string };
  error?: string;
}

export interface EndpointView {
  address: string;
  port: number;
  starttls: string | null;
  sni: string;
  algorithm: string | null;
  ok: boolean;
  tls_version?: string;
  served?: CertView;
  error?: { code: string; message: string };
  /** Served leaf = disk leaf; null when either side is unknown. */
  matches_disk: boolean | null;
  /** For DANE endpoints: whether the served chain matches the TLSA RRset. */
  tlsa: 'match' | 'no-match' | 'no-records' | 'unknown' | null;
}

export interface ServiceView {
  service: string;
  mode: string;
  certificate: string;
  files: Array<{ algorithm: string; cert: FileView; key: FileView; chain?: FileView; key_matches_cert: boolean | null; chain_in_order: boolean | null }>;
  endpoints: EndpointView[];
}

export interface TlsaView {
  owner: string;
  zone: string;
  dnssec: 'validated' | 'not-validated' | 'unknown';
  records: string[];
  resolver?: { server: string; rcode: string; ad: boolean; ttl?: number; records: string[]; error?: string; rrsig_expires?: string };
  authoritative: Array<{ server: string; rcode: string; serial?: number; state: string; records: string[]; ttl?: number; error?: string; detail?: string; rrsig_expires?: string }>;
  agreed: boolean;
  served_keys_match: boolean | null;
  /** Earliest expiry of the RRSIG over the TLSA RRset among the answers (ISO 8601). */
  rrsig_expires?: string;
  /** The DANE host name's A/AAAA through the validating resolver. */
  host_addresses?: { name: string; addresses: string[]; ad: boolean; errors?: string[] };
}

export interface StatusReport {
  format_version: string;
  generated_at: string;
  inventory: { path: string; sha256: string };
  partial: { excluded: string[]; unreachable: string[] };
  hosts: Array<{ host: string; addresses: string[]; reachable: boolean; services: ServiceView[]; last_applied?: LastApplied; problems: ReturnType<typeof problemJson>[] }>;
  tlsa: TlsaView[];
  findings: ReturnType<typeof problemJson>[];
  summary: { hosts: number; unreachable: number; services: number; endpoints: number; endpoints_failed: number; tlsa_names: number; errors: number; warnings: number; consistent: boolean };
}

/** What apply's manifest on the host says it last installed (for "who changed it": live, git or the clock). */
export interface LastApplied {
  updated_at: string;
  groups: Array<{ group: string; applied_at: string; plan_hash: string | null; inventory_commit: string | null }>;
}

/** Reads the manifest defensively: it comes from the host, so nothing about its shape is trusted. */
export function lastApplied(manifest: unknown): LastApplied | undefined {
  if (!manifest || typeof manifest !== 'object') return undefined;
  const m = manifest as { updated_at?: unknown; groups?: unknown };
  if (typeof m.updated_at !== 'string' || !m.groups || typeof m.groups !== 'object') return undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const groups = Object.entries(m.groups as Record<string, unknown>).map(([group, g]) => {
    const x = (g && typeof g === 'object' ? g : {}) as Record<string, unknown>;
    return { group, applied_at: str(x.applied_at) ?? '', plan_hash: str(x.plan_hash), inventory_commit: str(x.inventory_commit) };
  });
  return { updated_at: m.updated_at, groups: groups.sort((a, b) => (a.group < b.group ? -1 : 1)) };
}

export function problemJson(p: Problem) {
  return { code: p.code, severity: p.severity, message: p.message, ...(p.hint ? { hint: p.hint } : {}), ...(p.where ? { where: p.where } : {}) };
}

function certView(c: CertFacts, now: Date): CertView {
  return { subject: c.subject, issuer: c.issuer, serial: c.serial, names: c.names, not_after: c.notAfter, days_left: daysLeft(c, now), fingerprint: c.fingerprint, spki: c.spki, key_algorithm: c.keyAlgorithm };
}

function fileView(f: FileFacts, now: Date): FileView {
  const v: FileView = { path: f.path, exists: f.exists };
  if (f.sha256) v.sha256 = f.sha256;
  if (f.mode) v.mode = f.mode;
  if (f.uid !== undefined || f.owner !== undefined) v.owner = `${f.owner ?? f.uid}:${f.group ?? f.gid}`;
  if (f.linkTarget) v.link_target = f.linkTarget;
  const leaf = f.certs?.[0];
  if (leaf) {
    v.leaf = certView(leaf, now);
    v.chain_certs = (f.certs?.length ?? 1) - 1;
  }
  if (f.key) v.key = { algorithm: f.key.algorithm, spki: f.key.spki };
  if (f.error) v.error = f.error;
  return v;
}

const recText = (rs: { usage: number; selector: number; matchingType: number; data: string }[]) => rs.map(recordKey);

function tlsaView(t: TlsaLive, zone: string, served: ProbeResult[]): TlsaView {
  const p = propagation(t);
  const records = effectiveRecords(t) ?? [];
  const r = t.resolver;
  const v: TlsaView = {
    owner: t.owner,
    zone,
    dnssec: r && !r.error ? (r.ad ? 'validated' : 'not-validated') : 'unknown',
    records: recText(records),
    authoritative: t.authoritative.map((a) => {
      const s = p.servers.find((x) => x.server === a.server);
      return {
        server: a.server, rcode: a.rcode, state: s?.state ?? 'error', records: recText(a.records),
        ...(a.soaSerial !== undefined ? { serial: a.soaSerial } : {}), ...(a.ttl !== undefined ? { ttl: a.ttl } : {}),
        ...(a.error ? { error: a.error } : {}), ...(s?.detail ? { detail: s.detail } : {}),
        ...(a.rrsigExpires ? { rrsig_expires: a.rrsigExpires } : {}),
      };
    }),
    agreed: p.agreed,
    served_keys_match: servedMatch(records, served),
  };
  if (r) v.resolver = { server: r.server, rcode: r.rcode, ad: r.ad, records: recText(r.records), ...(r.ttl !== undefined ? { ttl: r.ttl } : {}), ...(r.error ? { error: r.error } : {}), ...(r.rrsigExpires ? { rrsig_expires: r.rrsigExpires } : {}) };
  const sig = earliestRrsig(t);
  if (sig) v.rrsig_expires = sig.expires;
  const h = t.hostAddresses;
  if (h) v.host_addresses = { name: h.name, addresses: h.addresses, ad: h.ad, ...(h.errors.length ? { errors: h.errors } : {}) };
  return v;
}

function servedMatch(records: TlsaLive['authoritative'][number]['records'], served: ProbeResult[]): boolean | null {
  if (served.length === 0) return null;
  if (records.length === 0) return false;
  return served.every((x) => tlsaMatches(records, x.chain ?? []).ok);
}

export function buildStatusReport(inv: Inventory, live: Live, opts: { now: Date; excluded?: string[] }): StatusReport {
  const now = opts.now;
  const findings = statusFindings(inv, live, now);
  const hostProblems = live.hosts.flatMap((h) => h.problems);
  const all = [...hostProblems, ...live.problems, ...findings];
  const hosts = live.hosts.map((hl) => {
    const host = inv.hosts.find((h) => h.name === hl.host);
    const services: ServiceView[] = (host?.services ?? []).map((svc) => {
      const sl = hl.services.find((s) => s.service === svc.name);
      const files = (sl?.files ?? []).map((set) => ({
        algorithm: set.algorithm, cert: fileView(set.cert, now), key: fileView(set.key, now),
        ...(set.chain ? { chain: fileView(set.chain, now) } : {}),
        key_matches_cert: set.keyMatchesCert ?? null, chain_in_order: set.chainInOrder ?? null,
      }));
      const endpoints = (sl?.probes ?? []).map((p): EndpointView => {
        const leaf = p.ok ? p.chain?.[0] : undefined;
        const disk = hl.reachable ? diskLeafFor(sl?.files ?? [], p) : undefined;
        const exp = expectationFor(inv, hl.host, svc.name, p);
        let tlsa: EndpointView['tlsa'] = null;
        if (exp) {
          const recs = effectiveRecords(tlsaOf(live, exp.owner));
          tlsa = !leaf || recs === undefined ? 'unknown' : recs.length === 0 ? 'no-records' : tlsaMatches(recs, p.chain ?? []).ok ? 'match' : 'no-match';
        }
        const v: EndpointView = {
          address: p.address, port: p.port, starttls: p.starttls ?? null, sni: p.sni, algorithm: p.algorithm ?? servedAlgorithm(p) ?? null, ok: p.ok,
          matches_disk: leaf && disk ? leaf.fingerprint === disk.fingerprint : null, tlsa,
        };
        if (p.tlsVersion) v.tls_version = p.tlsVersion;
        if (leaf) v.served = certView(leaf, now);
        if (p.error) v.error = { code: p.error.code, message: p.error.message };
        return v;
      });
      return { service: svc.name, mode: svc.mode, certificate: svc.certificate, files, endpoints };
    });
    const applied = lastApplied(hl.manifest);
    return { host: hl.host, addresses: host?.addresses ?? [], reachable: hl.reachable, services, ...(applied ? { last_applied: applied } : {}), problems: hl.problems.map(problemJson) };
  });
  const tlsa = live.tlsa.map((t) => {
    const exp = inv.dns.tlsa.find((e) => e.owner.toLowerCase().replace(/\.$/, '') === t.owner.toLowerCase().replace(/\.$/, ''));
    const served = exp
      ? live.hosts.flatMap((h) => h.services.filter((s) => exp.servedBy.some((b) => b.host === h.host && b.service === s.service)).flatMap((s) => s.probes))
          .filter((p) => p.ok && p.port === exp.port && p.sni.toLowerCase() === exp.hostname.toLowerCase())
      : [];
    return tlsaView(t, exp?.zone ?? '', served);
  });
  const errors = all.filter((p) => p.severity === 'error').length;
  const warnings = all.filter((p) => p.severity === 'warning').length;
  const endpoints = hosts.flatMap((h) => h.services.flatMap((s) => s.endpoints));
  return {
    format_version: STATUS_FORMAT_VERSION,
    generated_at: live.gatheredAt,
    inventory: { path: inv.path, sha256: inv.sha256 },
    partial: { excluded: [...(opts.excluded ?? [])].sort(), unreachable: live.hosts.filter((h) => !h.reachable).map((h) => h.host).sort() },
    hosts,
    tlsa,
    findings: [...live.problems, ...findings].map(problemJson),
    summary: {
      hosts: hosts.length, unreachable: hosts.filter((h) => !h.reachable).length, services: hosts.reduce((n, h) => n + h.services.length, 0),
      endpoints: endpoints.length, endpoints_failed: endpoints.filter((e) => !e.ok).length, tlsa_names: tlsa.length,
      errors, warnings, consistent: errors === 0 && warnings === 0,
    },
  };
}
