// Bringing the lab up (idempotent: reuse what runs, restart what died), down (only what we
// started, by PID, verified gone) and its status.
import { existsSync, mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { layout, CERT_NAMES } from './layout.ts';
import type { Layout } from './layout.ts';
import { allComponents, components } from './components.ts';
import type { Component } from './components.ts';
import { checkComponent } from './health.ts';
import type { ComponentHealth } from './health.ts';
import { livePid, removeStale, stopTree, processTree } from './procs.ts';
import { logTail, sleep } from './run.ts';
import { waitFor } from './net.ts';
import { ensurePackages, NotRootError } from './packages.ts';
import { ensurePebbleHttpsCert, ensureTsig, newEcKeyPem, writeFileMode } from './keys.ts';
import { labKsk, writeKnotConfigs } from './knot.ts';
import { writeUnboundConfig } from './unbound.ts';
import { savePebbleRoot, writePebbleConfig } from './pebble.ts';
import { prepareSsh } from './sshd.ts';
import { writePostfixConfig } from './postfix.ts';
import { writeDovecotConfig } from './dovecot.ts';
import { installInitial, readLive, renewSourceWith, spkiSha256OfPem } from './source.ts';
import { withLock } from './lock.ts';

export type Log = (line: string) => void;
const quiet: Log = () => {};

export interface UpResult {
  seconds: number;
  started: string[];
  reused: string[];
}

/** Makes sure one component runs and answers; restarts it when its process is gone. */
async function ensure(c: Component, log: Log, result: UpResult, restart = false): Promise<void> {
  const pid = livePid(c.pidFile, c.program);
  if (pid && !restart) {
    // A daemon that runs but does not answer may still be starting: give it a moment.
    if (await waitFor(async () => (await checkComponent(c)).healthy, 5_000)) {
      result.reused.push(c.id);
      return;
    }
    log(`${c.id}: PID ${pid} runs but does not answer; restarting`);
  }
  if (pid) await stopTree(pid);
  removeStale(c.pidFile);
  log(`${c.id}: starting`);
  try {
    await c.start();
  } catch (err) {
    throw new Error(`${c.id} did not start: ${(err as Error).message}\n${logTail(c.log)}`);
  }
  let last: ComponentHealth | undefined;
  const ok = await waitFor(async () => (last = await checkComponent(c)).healthy, 30_000);
  if (!ok) {
    const bad = last?.endpoints.filter((e) => !e.ok).map((e) => `${e.label} ${e.address}:${e.port} ${e.detail}`) ?? [];
    const why = last?.running ? bad.join('; ') : `no live process behind ${c.pidFile}`;
    throw new Error(`${c.id} did not come up: ${why}\n${logTail(c.log)}`);
  }
  result.started.push(c.id);
}

/** The key of the first certificate: made before the zone, so the zone starts with its TLSA. */
function initialKey(l: Layout): string {
  const p = join(l.dir, 'lab', 'initial-privkey.pem');
  if (!existsSync(p)) writeFileMode(p, newEcKeyPem(), 0o600);
  return readFileSync(p, 'utf8');
}

async function upLocked(l: Layout, log: Log): Promise<UpResult> {
  const t0 = Date.now();
  const result: UpResult = { seconds: 0, started: [], reused: [] };
  mkdirSync(l.dir, { recursive: true, mode: 0o755 });
  chmodSync(l.dir, 0o755);
  mkdirSync(l.logs, { recursive: true });
  const c = components(l);

  ensureTsig(l);
  const live = readLive(l);
  const key = live?.privkey ?? initialKey(l);
  writeKnotConfigs(l, spkiSha256OfPem(key));
  for (const k of c.dns) await ensure(k, log, result);
  if (result.started.includes('ns2-knot')) rmSync(l.dns.holdMarker, { force: true }); // a fresh ns2 is not held
  // unbound trusts the KSK Knot made; a changed KSK (fresh DNS state) needs a restart.
  let ksk: string | undefined;
  await waitFor(async () => (ksk = await labKsk()) !== undefined, 20_000);
  if (!ksk) throw new Error(`lab.test has no KSK on ns1 after 20 s\n${logTail(l.dns.ns1.log)}`);
  const anchorBefore = existsSync(l.dns.unbound.trustAnchor) ? readFileSync(l.dns.unbound.trustAnchor, 'utf8') : '';
  writeUnboundConfig(l, ksk);
  await ensure(c.resolver[0]!, log, result, anchorBefore !== '' && anchorBefore.trim() !== ksk.trim());

  await ensurePebbleHttpsCert(l);
  writePebbleConfig(l);
  await ensure(c.acme[0]!, log, result);
  await savePebbleRoot(l);
  if (!live) {
    log(`issuing the initial certificate (${CERT_NAMES.join(', ')}) from pebble via DNS-01`);
    await renewSourceWith(l, { keyPem: key });
  }
  installInitial(l);

  await prepareSsh(l);
  writePostfixConfig(l, 'mx1');
  writePostfixConfig(l, 'mx2');
  writeDovecotConfig(l, 'mx1');
  for (const h of c.hosts) await ensure(h, log, result);
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

export async function up(opts: { log?: Log; dir?: string } = {}): Promise<UpResult> {
  const log = opts.log ?? quiet;
  await ensurePackages(log);
  if (process.getuid?.() !== 0) {
    throw new NotRootError('the lab runs as root (ports 22, 25, 53, …; daemons with their own configs): run `npm run lab -- up` as root');
  }
  const l = layout(opts.dir);
  return withLock(l.lock, () => upLocked(l, log));
}

export interface DownResult {
  stopped: string[];
  leftovers: number[];
}

export async function down(opts: { log?: Log; dir?: string } = {}): Promise<DownResult> {
  const log = opts.log ?? quiet;
  const l = layout(opts.dir);
  return withLock(l.lock, async () => {
    const res: DownResult = { stopped: [], leftovers: [] };
    for (const c of allComponents(l).reverse()) {
      const pid = livePid(c.pidFile, c.program);
      if (pid) {
        const tree = processTree(pid);
        const gone = await stopTree(pid);
        log(`${c.id}: stopped PID ${pid}${tree.length > 1 ? ` (+${tree.length - 1} children)` : ''}`);
        res.stopped.push(c.id);
        if (!gone) res.leftovers.push(...tree.filter((p) => livePid(c.pidFile, c.program) === p || existsSync(`/proc/${p}`)));
      }
      removeStale(c.pidFile);
    }
    rmSync(l.dns.holdMarker, { force: true });
    await sleep(100);
    return res;
  });
}

/** Health of every component; `withTls` also handshakes on the implicit-TLS ports. */
export async function status(dir?: string, withTls = false): Promise<ComponentHealth[]> {
  const l = layout(dir);
  return Promise.all(allComponents(l).map((c) => checkComponent(c, withTls)));
}
