// gather: Inventory → Live. Per host (at most `parallelism` at once): the file sets of every
// service over the host's one session, and probes of every endpoint × address × algorithm
// (concurrent, and started at once, so they overlap the SFTP reads). Per TLSA expectation: the
// resolver's view (AD, RRSIG expiry) and every authoritative server's answer; per DANE host name
// its A/AAAA through the resolver (AD). Anything that fails is data in
// Live (`reachable: false`, a probe error, a DNS answer error) plus a Problem; never a throw.
import type { Host, Inventory, Service } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import type { HostAddresses, HostLive, Live, ProbeResult, ServiceLive, TlsaLive } from './types.ts';
import type { HostSession } from '../transport/types.ts';
import { problem } from '../errors/catalog.ts';
import { probeAll, probeProblem, probeRequestsFor } from '../probe/tls/index.ts';
import { gatherTlsa, lookupAddresses, tlsaProblems } from '../probe/dns/index.ts';
import { Limiter } from '../transport/limiter.ts';
import { TransportError, transportProblem } from '../transport/errors.ts';
import { readFileSet } from './file-facts.ts';
import { dnssecHealthProblems } from './dnssec-health.ts';
import { HostUnavailableError, type SessionCache } from './sessions.ts';

export const DEFAULT_PARALLELISM = 16;
/** Probes in flight per host (a host's endpoints × addresses × algorithms). */
const PROBES_PER_HOST = 8;

export interface GatherOptions {
  sessions: SessionCache;
  /** Only these hosts (`--host`); default every host with services. */
  hosts?: Iterable<string>;
  /** Leave these out (`--exclude`). */
  exclude?: Iterable<string>;
  parallelism?: number;
  now?: Date;
  probeTimeoutMs?: number;
  dnsTimeoutMs?: number;
  /** Reads the last-applied manifest on a host (apply owns where it lives). Failures are ignored. */
  readManifest?: (session: HostSession, host: Host) => Promise<unknown>;
}

/** The hosts a gather covers: hosts with services, narrowed by `hosts` and `exclude`. */
export function gatheredHosts(inventory: Inventory, only?: Iterable<string>, exclude?: Iterable<string>): Host[] {
  const want = only ? new Set(only) : undefined;
  const skip = new Set(exclude ?? []);
  return inventory.hosts.filter((h) => h.services.length > 0 && (!want || want.has(h.name)) && !skip.has(h.name));
}

export async function gather(inventory: Inventory, opts: GatherOptions): Promise<Live> {
  const now = opts.now ?? new Date();
  const hosts = gatheredHosts(inventory, opts.hosts, opts.exclude);
  const names = new Set(hosts.map((h) => h.name));
  const limiter = new Limiter(Math.max(1, Math.floor(opts.parallelism ?? DEFAULT_PARALLELISM)));
  const expectations = inventory.dns.tlsa.filter((t) => t.servedBy.some((s) => names.has(s.host)));
  const [hostLive, tlsa, addresses] = await Promise.all([
    Promise.all(hosts.map((h) => limiter.run(() => gatherHost(h, opts)))),
    Promise.all(
      expectations.map((t) => {
        const zone = inventory.dns.zones.find((z) => z.name === t.zone);
        return gatherTlsa({
          owner: t.owner,
          ...(inventory.dns.resolver ? { resolver: inventory.dns.resolver } : {}),
          authoritative: zone?.authoritative ?? [],
          ...(zone ? { zone: zone.name } : {}),
          ...(opts.dnsTimeoutMs !== undefined ? { timeoutMs: opts.dnsTimeoutMs } : {}),
        });
      }),
    ),
    gatherAddresses(expectations.map((t) => t.hostname), inventory.dns.resolver, opts.dnsTimeoutMs),
  ]);
  tlsa.forEach((t, i) => {
    const a = addresses.get(expectations[i]!.hostname.toLowerCase().replace(/\.$/, ''));
    if (a) t.hostAddresses = a;
  });
  return { gatheredAt: now.toISOString(), hosts: hostLive, tlsa, problems: dnsProblems(tlsa, now) };
}

function dnsProblems(tlsa: TlsaLive[], now: Date): Problem[] {
  return [...tlsa.flatMap((t) => tlsaProblems(t)), ...dnssecHealthProblems(tlsa, now)];
}

/** A/AAAA of each DANE host name (once per name) through the validating resolver; none without one. */
async function gatherAddresses(names: string[], resolver: string | undefined, timeoutMs?: number): Promise<Map<string, HostAddresses>> {
  const out = new Map<string, HostAddresses>();
  if (!resolver) return out;
  const unique = [...new Set(names.map((n) => n.toLowerCase().replace(/\.$/, '')))];
  const found = await Promise.all(unique.map((name) => lookupAddresses(name, { resolver, retries: 1, ...(timeoutMs !== undefined ? { timeoutMs } : {}) })));
  for (const f of found) out.set(f.name, { name: f.name, addresses: f.addresses, ad: f.ad, errors: f.errors });
  return out;
}

async function gatherHost(host: Host, opts: GatherOptions): Promise<HostLive> {
  const requests = host.services.flatMap((s) => {
    const reqs = probeRequestsFor(host, s, opts.probeTimeoutMs);
    // Force the key algorithm only where the service serves several: with one, an unforced
    // probe shows what is really served even when it is of another type than the inventory says.
    if (Object.keys(s.files).length <= 1) for (const r of reqs) delete r.algorithm;
    return reqs;
  });
  const probing = probeAll(requests, PROBES_PER_HOST);
  const disk = readHostFiles(host, opts);
  const [probes, files] = await Promise.all([probing, disk]);
  const services: ServiceLive[] = host.services.map((s) => ({
    host: host.name,
    service: s.name,
    files: files.ok ? (files.byService.get(s.name) ?? []) : [],
    probes: probes.filter((p: ProbeResult) => p.service === s.name),
  }));
  const problems: Problem[] = [];
  if (!files.ok) problems.push(files.problem);
  else problems.push(...files.problems);
  for (const p of probes) {
    const pr = probeProblem(p);
    if (pr) problems.push(pr);
  }
  const out: HostLive = { host: host.name, reachable: files.ok, services, problems };
  if (files.ok && files.manifest !== undefined) out.manifest = files.manifest;
  return out;
}

type HostFiles =
  | { ok: true; byService: Map<string, ServiceLive['files']>; problems: Problem[]; manifest?: unknown }
  | { ok: false; problem: Problem };

async function readHostFiles(host: Host, opts: GatherOptions): Promise<HostFiles> {
  let session: HostSession;
  try {
    session = await opts.sessions.get(host.name);
  } catch (err) {
    return { ok: false, problem: err instanceof HostUnavailableError ? err.problem : transportProblem(host.name, err) };
  }
  try {
    const byService = new Map<string, ServiceLive['files']>();
    const problems: Problem[] = [];
    for (const s of host.services) {
      const sets = await readServiceFiles(session, s);
      byService.set(s.name, sets);
      for (const set of sets) {
        for (const f of [set.cert, set.key, set.chain]) {
          if (f?.error && !problems.some((p) => p.where && 'path' in p.where && p.where.path === f.path)) {
            problems.push(problem('LIVE_FILE_INVALID', `${f.path}: ${f.error}`, { host: host.name, service: s.name, path: f.path }));
          }
        }
      }
    }
    const result: HostFiles = { ok: true, byService, problems };
    if (opts.readManifest) {
      const m = await opts.readManifest(session, host).catch(() => undefined);
      if (m !== undefined) result.manifest = m;
    }
    return result;
  } catch (err) {
    // The connection died while reading: what was read may be half a picture; say unreachable.
    if (err instanceof TransportError) return { ok: false, problem: err.toProblem() };
    return { ok: false, problem: transportProblem(host.name, err) };
  }
}

async function readServiceFiles(session: HostSession, service: Service): Promise<ServiceLive['files']> {
  const out: ServiceLive['files'] = [];
  for (const alg of ['ecdsa', 'rsa', 'ed25519'] as const) {
    const set = service.files[alg];
    if (set) out.push(await readFileSet(session, alg, set));
  }
  return out;
}
