// Finding things in Live, and turning facts into identities (never bytes).
import type { KeyAlgorithm } from '../inventory/types.ts';
import type { CertFacts, FileFacts, FileSetFacts, Live, ProbeResult, ServiceLive, TlsaLive, TlsaRecord } from '../state/types.ts';
import type { Identity } from './types.ts';
import { tlsaText } from './util.ts';

export function serviceLive(live: Live, host: string, service: string): ServiceLive | undefined {
  return live.hosts.find((h) => h.host === host)?.services.find((s) => s.service === service);
}

export function fileSetLive(live: Live, host: string, service: string, alg: KeyAlgorithm): FileSetFacts | undefined {
  return serviceLive(live, host, service)?.files.find((f) => f.algorithm === alg);
}

/** Every file fact of a set, by path (cert, key and chain may share a path when combined). */
export function filesByPath(fs: FileSetFacts | undefined): Map<string, FileFacts> {
  const m = new Map<string, FileFacts>();
  for (const f of [fs?.key, fs?.chain, fs?.cert]) if (f) m.set(f.path, f);
  return m;
}

export function certIdentity(c: CertFacts | undefined): Identity {
  if (!c) return {};
  return { fingerprint: c.fingerprint, spki: c.spki, serial: c.serial, not_after: c.notAfter };
}

export function fileIdentity(f: FileFacts | undefined): Identity {
  if (!f || !f.exists) return { exists: false };
  const id: Identity = { exists: true, sha256: f.sha256, mode: f.mode };
  if (f.owner !== undefined || f.group !== undefined) id.owner = `${f.owner ?? f.uid}:${f.group ?? f.gid}`;
  if (f.linkTarget) id.link_target = f.linkTarget;
  return id;
}

/** The algorithm a probe is about: the forced one, else the served leaf's. */
export function probeAlgorithm(p: ProbeResult): KeyAlgorithm | undefined {
  return p.algorithm ?? p.chain?.[0]?.keyAlgorithm;
}

export function tlsaLive(live: Live, owner: string): TlsaLive | undefined {
  const o = owner.toLowerCase().replace(/\.$/, '');
  return live.tlsa.find((t) => t.owner.toLowerCase().replace(/\.$/, '') === o);
}

/**
 * The records every answering authoritative server (and the resolver, when it answered) agrees
 * on. `undefined` when nobody answered: we cannot tell what is published.
 */
export function publishedEverywhere(t: TlsaLive | undefined): Set<string> | undefined {
  if (!t) return undefined;
  const answers = [...t.authoritative, ...(t.resolver ? [t.resolver] : [])].filter((a) => !a.error && (a.rcode === 'NOERROR' || a.rcode === 'NXDOMAIN'));
  if (answers.length === 0) return undefined;
  const sets = answers.map((a) => new Set(a.records.map(tlsaText)));
  const first = sets[0] as Set<string>;
  return new Set([...first].filter((r) => sets.every((s) => s.has(r))));
}

/** Records any server shows (for `before`). */
export function publishedAnywhere(t: TlsaLive | undefined): TlsaRecord[] {
  const seen = new Map<string, TlsaRecord>();
  for (const a of [...(t?.authoritative ?? []), ...(t?.resolver ? [t.resolver] : [])]) for (const r of a.records) seen.set(tlsaText(r), r);
  return [...seen.values()].sort((a, b) => (tlsaText(a) < tlsaText(b) ? -1 : 1));
}
