// Shared by the apply integration tests: the lab's mx1/mx2 as inventory Hosts (pinned host
// keys, the lab's SSH key), DeployRequests for their Postfix/Dovecot files, the real prober,
// and the lab's original certificate files (restored at the end of each test file).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labEnv } from '../../lab/env.ts';
import { connectHost } from '../../../src/transport/ssh/index.ts';
import type { Host, SecretRef } from '../../../src/inventory/types.ts';
import type { HostSession } from '../../../src/transport/types.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { tlsProbe } from '../../../src/apply/probe-adapter.ts';
import { leafIdentity } from '../../../src/apply/material.ts';
import type { DeployDeps, DeployFile, DeployRequest, DeployService, VerifyEndpoint } from '../../../src/apply/types.ts';
import type { Pem } from '../../unit/apply/helpers/pki.ts';

export const env = labEnv();
const LOC = { file: 'lab', line: 1, column: 1 };
export type LabHost = 'mx1' | 'mx2';
type Svc = { cert: string; key: string; validate: string[]; reload: string[]; endpoints: { port: number; starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve' }[] };

export function services(h: LabHost): Record<string, Svc> {
  return env.hosts[h].services as unknown as Record<string, Svc>;
}

export const stateDir = (h: LabHost) => join(env.hosts[h].root, 'mailtls-state');

function hostKeyFor(address: string): string {
  const line = readFileSync(env.ssh.knownHosts, 'utf8').split('\n').find((l) => l.split(' ')[0] === address);
  if (!line) throw new Error(`no pinned host key for ${address}`);
  return line.split(' ').slice(1).join(' ');
}

export function labHost(h: LabHost, via?: { addr: string; port: number }): Host {
  const a = env.hosts[h].address;
  return {
    name: h, addresses: [via?.addr ?? a], services: [], loc: LOC,
    ssh: { port: via?.port ?? 22, user: 'root', identity: { kind: 'file', path: env.ssh.identity }, hostKeys: [hostKeyFor(a)], sudo: false, connectTimeoutMs: 5000, loc: LOC },
  };
}

export function connect(h: LabHost, via?: { addr: string; port: number }): Promise<HostSession> {
  return connectHost(labHost(h, via), {
    resolveHost: () => undefined,
    readSecret: async (ref: SecretRef) => (ref.kind === 'file' ? readFileSync(ref.path) : ''),
  });
}

export interface Material {
  cert: Buffer;
  key: Buffer;
}

export const fromPem = (p: Pem): Material => ({ cert: Buffer.concat([p.cert, p.chain]), key: p.key });

/** The group of every service on the host; `per` overrides the material of one service. */
export function labRequest(h: LabHost, m: Material, opts: { per?: Record<string, Material>; services?: Record<string, Partial<DeployService>> } = {}): DeployRequest {
  const svcs = services(h);
  const names = Object.keys(svcs);
  const files: DeployFile[] = [];
  const verify: VerifyEndpoint[] = [];
  for (const n of names) {
    const s = svcs[n]!;
    const mm = opts.per?.[n] ?? m;
    const base = { service: n, algorithm: 'ecdsa' as const, owner: 'root', group: 'root', replaceSymlink: false };
    files.push({ ...base, path: s.cert, role: 'cert', bytes: mm.cert, mode: 0o644, secret: false });
    files.push({ ...base, path: s.key, role: 'key', bytes: mm.key, mode: 0o600, secret: true });
    const leaf = leafIdentity(mm.cert)!;
    for (const e of s.endpoints) {
      verify.push({ service: n, address: env.hosts[h].address, port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni: env.hosts[h].name, algorithm: 'ecdsa', expect: { fingerprint: leaf.fingerprint } });
    }
  }
  return {
    host: h,
    group: `${h}/${[...names].sort().join('+')}`,
    services: names.map((n) => ({ name: n, validate: [svcs[n]!.validate], reload: [svcs[n]!.reload], ...opts.services?.[n] })),
    files,
    checks: names.map((n) => ({ service: n, algorithm: 'ecdsa' as const, paths: [svcs[n]!.cert, svcs[n]!.key], names: [] })),
    verify,
    reload: 'if-changed',
  };
}

export const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
export const verifyPolicy = { timeoutMs: 20_000, initialDelayMs: 200, maxDelayMs: 2000, factor: 2 };

export async function labDeps(h: LabHost, session: HostSession, journalDir: string, runId: string): Promise<DeployDeps> {
  return {
    session, probe: tlsProbe(h, 5000), clock, journal: await FileJournal.open(journalDir, runId), log: { event: () => {} }, runId,
    owner: 'itest@lab', stateDir: stateDir(h), lockTtlMs: 600_000, verifyPolicy, execTimeoutMs: 30_000,
  };
}

/** The leaf fingerprint served on every endpoint of the host (one entry per endpoint). */
export async function servedEverywhere(h: LabHost): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (const s of Object.values(services(h))) {
    for (const e of s.endpoints) {
      const r = await tlsProbe(h, 5000)({ service: 'x', address: env.hosts[h].address, port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni: env.hosts[h].name, algorithm: 'ecdsa', expect: {} });
      out.push(r.chain?.[0]?.fingerprint);
    }
  }
  return out;
}

/** The host's current files per service, to put back at the end. */
export function snapshot(h: LabHost): Record<string, Material> {
  return Object.fromEntries(Object.entries(services(h)).map(([n, s]) => [n, { cert: readFileSync(s.cert), key: readFileSync(s.key) }]));
}

export function restoreRequest(h: LabHost, snap: Record<string, Material>): DeployRequest {
  const first = Object.values(snap)[0]!;
  return labRequest(h, first, { per: snap });
}
