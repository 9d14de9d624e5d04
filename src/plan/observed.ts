// Fingerprints of every Live fact the plan relies on, and of every desired thing. A saved plan
// carries both; apply re-gathers and refuses (exit 3) when any differs. Readable short strings,
// never material (a file's SHA-256 is an identity, not its content).
import type { Live, DnsAnswer, FileFacts } from '../state/types.ts';
import type { Desired } from './types.ts';
import { fileIdentity, filesByPath, fileSetLive, serviceLive, tlsaLive } from './live-lookup.ts';
import { sha256hex, tlsaText } from './util.ts';

function fileFp(f: FileFacts | undefined): string {
  const id = fileIdentity(f);
  if (!id.exists) return 'absent';
  return `sha256:${id.sha256 ?? '?'} mode:${id.mode ?? '?'} owner:${id.owner ?? '?'}${id.link_target ? ` link:${id.link_target}` : ''}`;
}

function answerFp(a: DnsAnswer | undefined): string {
  if (!a) return 'none';
  if (a.error) return `error:${a.error.split(':')[0]}`;
  const recs = a.records.map(tlsaText).sort().join('\n');
  return `rcode:${a.rcode} ad:${a.ad ? 1 : 0} records:${sha256hex(recs).slice(0, 32)}`;
}

export function observedFingerprints(desired: Desired, live: Live): Record<string, string> {
  const out: Record<string, string> = {};
  const hosts = new Set(desired.services.map((s) => s.host));
  for (const h of live.hosts) if (hosts.has(h.host)) out[`host:${h.host}`] = h.reachable ? 'reachable' : 'unreachable';
  for (const ds of desired.services) {
    for (const set of ds.sets) {
      const onDisk = filesByPath(fileSetLive(live, ds.host, ds.service, set.algorithm));
      for (const f of set.files) out[`file:${ds.host}:${f.path}`] = fileFp(onDisk.get(f.path));
    }
    for (const p of serviceLive(live, ds.host, ds.service)?.probes ?? []) {
      const key = `probe:${ds.host}/${ds.service}@${p.address}:${p.port}${p.algorithm ? `/${p.algorithm}` : ''}`;
      out[key] = p.ok && p.chain?.[0] ? `leaf:${p.chain[0].fingerprint}` : `error:${p.error?.code ?? 'unknown'}`;
    }
  }
  for (const t of desired.tlsa) {
    const lt = tlsaLive(live, t.owner);
    out[`tlsa:${t.owner}@resolver`] = answerFp(lt?.resolver);
    for (const a of lt?.authoritative ?? []) out[`tlsa:${t.owner}@${a.server}`] = answerFp(a);
  }
  return sorted(out);
}

export function desiredFingerprints(desired: Desired): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ds of desired.services) {
    for (const set of ds.sets) {
      out[`source:${set.certificate}/${set.algorithm}`] = set.sourceFingerprint;
      for (const f of set.files) out[`file:${ds.host}:${f.path}`] = `sha256:${f.sha256} mode:${f.mode} owner:${f.owner}:${f.group}`;
    }
  }
  for (const t of desired.tlsa) out[`tlsa:${t.owner}`] = `records:${sha256hex(t.records.map(tlsaText).sort().join('\n')).slice(0, 32)}`;
  return sorted(out);
}

function sorted(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
