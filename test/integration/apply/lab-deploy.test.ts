// The deploy transaction over SSH against the lab's real Postfix and Dovecot on mx1: a new
// certificate lands with the right bytes, modes and owners and is served on every endpoint
// (STARTTLS and implicit); a second run does nothing; a failing reload and a failing daemon
// check roll back to the previous certificate, served again. The lab's original certificate is
// put back at the end so other tests stay valid.
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labEnv } from '../../lab/env.ts';
import { connectHost } from '../../../src/transport/ssh/index.ts';
import type { Host, SecretRef } from '../../../src/inventory/types.ts';
import type { HostSession } from '../../../src/transport/types.ts';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { tlsProbe } from '../../../src/apply/probe-adapter.ts';
import { leafIdentity } from '../../../src/apply/material.ts';
import type { DeployDeps, DeployRequest, DeployService, VerifyEndpoint } from '../../../src/apply/types.ts';
import { makeCa, makeLeaf, type Pem } from '../../unit/apply/helpers/pki.ts';

const env = labEnv();
const mx1 = env.hosts.mx1;
const svc = mx1.services;
const LOC = { file: 'lab', line: 1, column: 1 };
const stateDir = join(mx1.root, 'mailtls-state');

interface Ctx {
  session: HostSession;
  original: { pfCert: Buffer; pfKey: Buffer; dvCert: Buffer; dvKey: Buffer };
  first: Pem;
  second: Pem;
  journalDir: string;
}
const t = suite<Ctx>('apply: lab mx1 Postfix + Dovecot over SSH', {} as Ctx);

function hostKeyFor(address: string): string {
  const line = readFileSync(env.ssh.knownHosts, 'utf8').split('\n').find((l) => l.split(' ')[0] === address);
  if (!line) throw new Error(`no pinned host key for ${address}`);
  return line.split(' ').slice(1).join(' ');
}

const host: Host = {
  name: 'mx1', addresses: [mx1.address], services: [], loc: LOC,
  ssh: { port: 22, user: 'root', identity: { kind: 'file', path: env.ssh.identity }, hostKeys: [hostKeyFor(mx1.address)], sudo: false, connectTimeoutMs: 5000, loc: LOC },
};

function request(certBytes: { pf: Buffer; dv: Buffer }, keys: { pf: Buffer; dv: Buffer }, services?: DeployService[]): DeployRequest {
  const base = { algorithm: 'ecdsa' as const, owner: 'root', group: 'root', replaceSymlink: false };
  const expect = leafIdentity(certBytes.pf)!;
  const verify: VerifyEndpoint[] = [
    ...svc.postfix.endpoints.map((e) => ({ service: 'postfix', address: mx1.address, port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni: mx1.name, algorithm: 'ecdsa' as const, expect: { fingerprint: expect.fingerprint, spki: expect.spki } })),
    ...svc.dovecot.endpoints.map((e) => ({ service: 'dovecot', address: mx1.address, port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni: mx1.name, algorithm: 'ecdsa' as const, expect: { fingerprint: leafIdentity(certBytes.dv)!.fingerprint } })),
  ];
  return {
    host: 'mx1', group: 'mx1/dovecot+postfix',
    services: services ?? [
      { name: 'postfix', validate: [svc.postfix.validate], reload: [svc.postfix.reload] },
      { name: 'dovecot', validate: [svc.dovecot.validate], reload: [svc.dovecot.reload] },
    ],
    files: [
      { ...base, service: 'postfix', path: svc.postfix.cert, role: 'cert', bytes: certBytes.pf, mode: 0o644, secret: false },
      { ...base, service: 'postfix', path: svc.postfix.key, role: 'key', bytes: keys.pf, mode: 0o600, secret: true },
      { ...base, service: 'dovecot', path: svc.dovecot.cert, role: 'cert', bytes: certBytes.dv, mode: 0o644, secret: false },
      { ...base, service: 'dovecot', path: svc.dovecot.key, role: 'key', bytes: keys.dv, mode: 0o600, secret: true },
    ],
    checks: [
      { service: 'postfix', algorithm: 'ecdsa', paths: [svc.postfix.cert, svc.postfix.key], names: [] },
      { service: 'dovecot', algorithm: 'ecdsa', paths: [svc.dovecot.cert, svc.dovecot.key], names: [] },
    ],
    verify,
    reload: 'if-changed',
  };
}

const pemRequest = (p: Pem, services?: DeployService[]) =>
  request({ pf: Buffer.concat([p.cert, p.chain]), dv: Buffer.concat([p.cert, p.chain]) }, { pf: p.key, dv: p.key }, services);

async function deps(ctx: Ctx, runId: string): Promise<DeployDeps> {
  return {
    session: ctx.session, probe: tlsProbe('mx1', 5000), clock: { now: () => new Date(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    journal: await FileJournal.open(ctx.journalDir, runId), log: { event: () => {} }, runId, owner: 'itest@lab', stateDir,
    lockTtlMs: 600_000, verifyPolicy: { timeoutMs: 20_000, initialDelayMs: 200, maxDelayMs: 2000, factor: 2 }, execTimeoutMs: 30_000,
  };
}

async function served(port: number, starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve'): Promise<string | undefined> {
  const r = await tlsProbe('mx1', 5000)({ service: 'x', address: mx1.address, port, ...(starttls ? { starttls } : {}), sni: mx1.name, algorithm: 'ecdsa', expect: {} });
  return r.chain?.[0]?.fingerprint;
}

const allEndpoints = () => [...svc.postfix.endpoints, ...svc.dovecot.endpoints];

t.before(async (ctx) => {
  ctx.original = {
    pfCert: readFileSync(svc.postfix.cert), pfKey: readFileSync(svc.postfix.key),
    dvCert: readFileSync(svc.dovecot.cert), dvKey: readFileSync(svc.dovecot.key),
  };
  const ca = makeCa('mailtls apply itest CA');
  ctx.first = makeLeaf(ca, [mx1.name]);
  ctx.second = makeLeaf(ca, [mx1.name]);
  ctx.journalDir = mkdtempSync(join(tmpdir(), 'mailtls-itest-journal-'));
  ctx.session = await connectHost(host, {
    resolveHost: () => undefined,
    readSecret: async (ref: SecretRef) => (ref.kind === 'file' ? readFileSync(ref.path) : ''),
  });
});

t.after(async (ctx) => {
  if (!ctx.session) return;
  // Put the lab's own certificate back, through the same transaction.
  const o = ctx.original;
  const r = await deployGroup(request({ pf: o.pfCert, dv: o.dvCert }, { pf: o.pfKey, dv: o.dvKey }), await deps(ctx, 'itest-restore'));
  await ctx.session.close();
  if (r.outcome !== 'applied' && r.outcome !== 'unchanged') throw new Error(`restoring the lab certificate failed: ${JSON.stringify(r.problems)}`);
});

t('a new certificate is deployed to mx1 and served on every Postfix and Dovecot endpoint; a second run does nothing', async (ctx) => {
  const r = await deployGroup(pemRequest(ctx.first), await deps(ctx, 'itest-1'));
  assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
  assert.equal(r.reloaded, ['postfix', 'dovecot']);
  assert.is(r.verified.length, 8);
  assert.ok(r.verified.every((v) => v.ok));
  assert.equal(readFileSync(svc.postfix.cert), Buffer.concat([ctx.first.cert, ctx.first.chain]));
  assert.equal(readFileSync(svc.dovecot.key), ctx.first.key);
  assert.is(statSync(svc.postfix.key).mode & 0o7777, 0o600);
  assert.is(statSync(svc.dovecot.cert).mode & 0o7777, 0o644);
  const want = leafIdentity(ctx.first.cert)!.fingerprint;
  for (const e of allEndpoints()) assert.is(await served(e.port, e.starttls), want, `port ${e.port}`);

  const inodes = [svc.postfix.cert, svc.postfix.key, svc.dovecot.cert, svc.dovecot.key].map((p) => [statSync(p).ino, statSync(p).mtimeMs]);
  const again = await deployGroup(pemRequest(ctx.first), await deps(ctx, 'itest-2'));
  assert.is(again.outcome, 'unchanged');
  assert.equal(again.reloaded, []);
  assert.equal([svc.postfix.cert, svc.postfix.key, svc.dovecot.cert, svc.dovecot.key].map((p) => [statSync(p).ino, statSync(p).mtimeMs]), inodes);
  const manifest = readFileSync(join(stateDir, 'manifest.json'), 'utf8');
  assert.ok(manifest.includes(want));
  assert.not.ok(/PRIVATE KEY/.test(manifest));
});

t('a failing Postfix reload rolls back: previous files restored, reloaded, previous leaf served again', async (ctx) => {
  const marker = join(mx1.root, 'mailtls-itest-fail-once');
  await ctx.session.exec(['touch', marker]);
  // Fails once (while the marker exists), then runs the real `postfix reload`: the first reload
  // fails, the rollback's reload works.
  const failingReload = ['sh', '-c', 'm="$1"; shift; if [ -e "$m" ]; then rm -f "$m"; exit 1; fi; exec "$@"', 'sh', marker, ...svc.postfix.reload];
  const services: DeployService[] = [
    { name: 'postfix', validate: [svc.postfix.validate], reload: [failingReload] },
    { name: 'dovecot', validate: [svc.dovecot.validate], reload: [svc.dovecot.reload] },
  ];
  const r = await deployGroup(pemRequest(ctx.second, services), await deps(ctx, 'itest-3'));
  assert.is(r.outcome, 'rolled-back', JSON.stringify(r.problems));
  assert.is(r.failure?.stage, 'reload');
  assert.equal(readFileSync(svc.postfix.cert), Buffer.concat([ctx.first.cert, ctx.first.chain]));
  assert.equal(readFileSync(svc.postfix.key), ctx.first.key);
  const want = leafIdentity(ctx.first.cert)!.fingerprint;
  for (const e of allEndpoints()) assert.is(await served(e.port, e.starttls), want, `port ${e.port}`);
  const left = (await ctx.session.readdir(join(mx1.root, 'postfix'))).filter((n) => n.includes('.mailtls-'));
  assert.equal(left, []);
});

t('a failing daemon check (doveconf) restores the files before any reload', async (ctx) => {
  const services: DeployService[] = [
    { name: 'postfix', validate: [svc.postfix.validate], reload: [svc.postfix.reload] },
    { name: 'dovecot', validate: [['doveconf', '-c', '/nonexistent/dovecot.conf', '-n']], reload: [svc.dovecot.reload] },
  ];
  const r = await deployGroup(pemRequest(ctx.second, services), await deps(ctx, 'itest-4'));
  assert.is(r.outcome, 'rolled-back');
  assert.is(r.failure?.stage, 'validate');
  assert.match(r.failure!.message, /doveconf/);
  assert.equal(r.reloaded, []);
  assert.equal(readFileSync(svc.dovecot.cert), Buffer.concat([ctx.first.cert, ctx.first.chain]));
});

t.run();
