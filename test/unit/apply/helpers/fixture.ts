// One "host" for the apply unit tests: a temp dir with a cert and key installed, a stand-in
// daemon (tls-server.ts) serving them and reloading on SIGHUP, the local HostSession, a journal
// dir and a state dir. Builds DeployRequests and DeployDeps the way the executor would.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalSession } from '../../../../src/transport/local.ts';
import { FileJournal } from '../../../../src/apply/journal.ts';
import { leafIdentity } from '../../../../src/apply/material.ts';
import type { ApplyLog, DeployDeps, DeployRequest, StepEvent } from '../../../../src/apply/types.ts';
import { makeCa, makeLeaf, type Ca, type Pem } from './pki.ts';
import { probeTls } from './probe.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const NAME = 'mx.test';

export const realClock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export interface Fixture {
  dir: string;
  certPath: string;
  keyPath: string;
  stateDir: string;
  journalDir: string;
  countFile: string;
  ca: Ca;
  old: Pem;
  next: Pem;
  port: number;
  pid: number;
  session: LocalSession;
  events: StepEvent[];
  /** With `rsa: true`: a second (RSA) certificate served beside the ECDSA one. */
  rsa?: { certPath: string; keyPath: string; old: Pem; next: Pem };
  request(pem: Pem, over?: Partial<DeployRequest>): DeployRequest;
  deps(runId: string, over?: Partial<DeployDeps>): Promise<DeployDeps>;
  reloads(): number;
  served(): Promise<string | undefined>;
  leftovers(): string[];
  close(): Promise<void>;
}

export const fullchain = (p: Pem): Buffer => Buffer.concat([p.cert, p.chain]);
export const fp = (p: Pem): string => leafIdentity(p.cert)!.fingerprint;

export interface Installed {
  certPath: string;
  keyPath: string;
  /** The stand-in daemon's pid (reload = SIGHUP) and port. */
  pid: number;
  port: number;
}

/** The request the executor would build for the fixture's one service (cert = fullchain, key). */
export function requestFor(i: Installed, pem: Pem, over: Partial<DeployRequest> = {}): DeployRequest {
  const file = { service: 'daemon', algorithm: 'ecdsa' as const, owner: 'root', group: 'root', replaceSymlink: false };
  return {
    host: 'local',
    group: 'local/daemon',
    services: [{ name: 'daemon', validate: [['true']], reload: [['kill', '-HUP', String(i.pid)]] }],
    files: [
      { ...file, path: i.certPath, role: 'cert', bytes: fullchain(pem), mode: 0o644, secret: false },
      { ...file, path: i.keyPath, role: 'key', bytes: pem.key, mode: 0o600, secret: true },
    ],
    checks: [{ service: 'daemon', algorithm: 'ecdsa', paths: [i.certPath, i.keyPath], names: [NAME] }],
    verify: [{ service: 'daemon', address: '127.0.0.1', port: i.port, sni: NAME, expect: { fingerprint: fp(pem) } }],
    reload: 'if-changed',
    planHash: 'test-plan',
    inventoryCommit: null,
    ...over,
  };
}

function startServer(cert: string, key: string, countFile: string, more: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'tls-server.ts'), cert, key, countFile, ...more], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`tls-server exited ${code}`)));
  });
}

export async function makeFixture(opts: { ca?: Ca; old?: Pem; next?: Pem; rsa?: boolean } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-apply-'));
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  const ca = opts.ca ?? makeCa();
  const old = opts.old ?? makeLeaf(ca, [NAME]);
  const next = opts.next ?? makeLeaf(ca, [NAME]);
  const certPath = join(etc, 'cert.pem');
  const keyPath = join(etc, 'key.pem');
  writeFileSync(certPath, fullchain(old), { mode: 0o644 });
  writeFileSync(keyPath, old.key, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  const countFile = join(dir, 'reloads');
  writeFileSync(countFile, '');
  let rsa: Fixture['rsa'];
  if (opts.rsa) {
    rsa = { certPath: join(etc, 'rsa-cert.pem'), keyPath: join(etc, 'rsa-key.pem'), old: makeLeaf(ca, [NAME], { alg: 'rsa' }), next: makeLeaf(ca, [NAME], { alg: 'rsa' }) };
    writeFileSync(rsa.certPath, fullchain(rsa.old), { mode: 0o644 });
    writeFileSync(rsa.keyPath, rsa.old.key, { mode: 0o600 });
    chmodSync(rsa.keyPath, 0o600);
  }
  const { child, port } = await startServer(certPath, keyPath, countFile, rsa ? [rsa.certPath, rsa.keyPath] : []);
  const events: StepEvent[] = [];
  const log: ApplyLog = { event: (e) => events.push(e) };
  const session = new LocalSession({ host: 'local' });
  const journals: FileJournal[] = [];
  const f: Fixture = {
    dir, certPath, keyPath, countFile, ca, old, next, port, pid: child.pid!, session, events, ...(rsa ? { rsa } : {}),
    stateDir: join(dir, 'state'),
    journalDir: join(dir, 'journal'),
    request: (pem, over = {}) => requestFor({ certPath, keyPath, pid: child.pid!, port }, pem, over),
    async deps(runId, over = {}) {
      const journal = await FileJournal.open(join(dir, 'journal'), runId);
      journals.push(journal);
      return {
        session, probe: (e) => probeTls(e, 1000), clock: realClock, journal, log, runId,
        owner: 'test@local', stateDir: join(dir, 'state'), lockTtlMs: 600_000,
        verifyPolicy: { timeoutMs: 2500, initialDelayMs: 50, maxDelayMs: 400, factor: 2 },
        execTimeoutMs: 10_000,
        ...over,
      };
    },
    reloads: () => readFileSync(countFile, 'utf8').split('\n').filter((l) => l === 'reload').length,
    async served() {
      const r = await probeTls({ service: 'daemon', address: '127.0.0.1', port, sni: NAME, expect: {} });
      return r.chain?.[0]?.fingerprint;
    },
    leftovers: () => readdirSync(etc).filter((n) => n.includes('.mailtls-')),
    async close() {
      child.kill('SIGKILL');
      for (const j of journals) await j.close().catch(() => {});
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}
