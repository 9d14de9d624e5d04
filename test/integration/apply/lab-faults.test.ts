// Faults with the real lab over SSH: the connection dropped during the upload (nothing changes;
// the lock and temp files it could not remove are cleaned by recovery), the process SIGKILLed
// between swap and verify (recovery restores the previous certificate, reloads, and it is
// served again), and a parallel run over mx1 + mx2. The lab's certificates are put back after.
import * as assert from 'uvu/assert';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '../../helpers/suite.ts';
import { startProxy } from '../transport/tcp-proxy.ts';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { recover, recoverHost } from '../../../src/apply/recovery.ts';
import { FileJournal } from '../../../src/apply/journal.ts';
import { runApply } from '../../../src/apply/run.ts';
import { readLock, forceUnlock } from '../../../src/apply/lock.ts';
import { tlsProbe } from '../../../src/apply/probe-adapter.ts';
import { leafIdentity } from '../../../src/apply/material.ts';
import { makeCa, makeLeaf, type Pem } from '../../unit/apply/helpers/pki.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import {
  clock, connect, env, fromPem, labDeps, labRequest, restoreRequest, services, servedEverywhere, snapshot, stateDir, verifyPolicy,
  type LabHost, type Material,
} from './lab.ts';

interface Ctx { snaps: Record<LabHost, Record<string, Material>>; a: Pem; b: Pem; journalDir: string }
const t = suite<Ctx>('apply: lab faults over SSH', {} as Ctx);
const here = dirname(fileURLToPath(import.meta.url));

t.before((ctx) => {
  ctx.snaps = { mx1: snapshot('mx1'), mx2: snapshot('mx2') };
  const ca = makeCa('mailtls apply fault CA');
  ctx.a = makeLeaf(ca, [env.hosts.mx1.name, env.hosts.mx2.name]);
  ctx.b = makeLeaf(ca, [env.hosts.mx1.name, env.hosts.mx2.name]);
  ctx.journalDir = mkdtempSync(join(tmpdir(), 'mailtls-itest-faults-'));
});

t.after(async (ctx) => {
  for (const h of ['mx1', 'mx2'] as const) {
    const session = await connect(h);
    try {
      const holder = await readLock(session, stateDir(h));
      if (holder && /@lab$/.test(holder.owner)) await forceUnlock(session, stateDir(h)); // only locks this file's tests took
      const r = await deployGroup(restoreRequest(h, ctx.snaps[h]), await labDeps(h, session, ctx.journalDir, `restore-${h}`));
      if (r.outcome !== 'applied' && r.outcome !== 'unchanged') throw new Error(`restoring ${h} failed: ${JSON.stringify(r.problems)}`);
    } finally {
      await session.close();
    }
  }
});

const fingerprints = (m: Material) => leafIdentity(m.cert)!.fingerprint;
const leftovers = (h: LabHost) => Object.values(services(h)).flatMap((s) => readdirSync(dirname(s.cert)).filter((n) => n.includes('.mailtls-')));

t('SSH connection dropped during the upload: nothing changes; recovery removes the lock and temp files left behind', async (ctx) => {
  const before = snapshot('mx1');
  const proxy = await startProxy('127.0.97.1', { addr: env.hosts.mx1.address, port: 22 });
  const session = await connect('mx1', { addr: proxy.addr, port: proxy.port });
  const write = session.writeNewFile.bind(session);
  session.writeNewFile = (p, d, m) => {
    if (p.includes('key.pem.mailtls-tmp')) proxy.drop(); // the link dies as the key upload starts
    return write(p, d, m);
  };
  try {
    const r = await deployGroup(labRequest('mx1', fromPem(ctx.a)), await labDeps('mx1', session, ctx.journalDir, 'drop-1'));
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'stage');
    assert.equal(snapshot('mx1'), before, 'every file as it was');
    assert.ok((await servedEverywhere('mx1')).every((f) => f === fingerprints(before.postfix!)));
  } finally {
    await session.close().catch(() => {});
    await proxy.close();
  }
  assert.ok(existsSync(join(stateDir('mx1'), 'lock.json')), 'the dead link could not release the lock');
  assert.ok(leftovers('mx1').length > 0, 'nor remove its temp files');

  const run = (await recover(ctx.journalDir)).find((x) => x.runId === 'drop-1')!;
  const hr = run.hosts[0]!;
  assert.is(hr.lockHeld, true);
  assert.is(hr.groups[0]!.action, 'cleanup');
  const fresh = await connect('mx1');
  try {
    const journal = await FileJournal.open(ctx.journalDir, run.runId);
    const res = await recoverHost({ session: fresh, probe: tlsProbe('mx1', 5000), clock, log: { event: () => {} }, journal, verifyPolicy, execTimeoutMs: 30_000 }, run, hr);
    await journal.end();
    await journal.close();
    assert.ok(res.every((x) => x.ok), JSON.stringify(res));
  } finally {
    await fresh.close();
  }
  assert.equal(leftovers('mx1'), []);
  assert.not.ok(existsSync(join(stateDir('mx1'), 'lock.json')));
});

t('SIGKILL between swap and verify: recovery restores the previous certificate, reloads, and it is served again', async (ctx) => {
  const before = snapshot('mx1');
  const certFile = join(ctx.journalDir, 'b-cert.pem');
  const keyFile = join(ctx.journalDir, 'b-key.pem');
  writeFileSync(certFile, fromPem(ctx.b).cert);
  writeFileSync(keyFile, ctx.b.key, { mode: 0o600 });
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-child.ts'), 'mx1', ctx.journalDir, 'crash-1', certFile, keyFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('AT-VERIFY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} before verify`)));
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.equal(readFileSync(services('mx1').postfix!.cert), fromPem(ctx.b).cert, 'the crash left the new files in place');

  const run = (await recover(ctx.journalDir)).find((x) => x.runId === 'crash-1')!;
  assert.is(run.alive, false);
  const hr = run.hosts[0]!;
  assert.is(hr.groups[0]!.action, 'rollback');
  assert.is(hr.groups[0]!.reloadPending, true);
  const session = await connect('mx1');
  try {
    const journal = await FileJournal.open(ctx.journalDir, run.runId);
    const res = await recoverHost({ session, probe: tlsProbe('mx1', 5000), clock, log: { event: () => {} }, journal, verifyPolicy, execTimeoutMs: 30_000 }, run, hr);
    await journal.end();
    await journal.close();
    assert.ok(res.every((x) => x.ok), JSON.stringify(res));
  } finally {
    await session.close();
  }
  assert.equal(snapshot('mx1'), before, 'fully old again');
  assert.ok((await servedEverywhere('mx1')).every((f) => f === fingerprints(before.postfix!)), 'the previous leaf is served again');
  assert.equal(leftovers('mx1'), []);
  assert.not.ok(existsSync(join(stateDir('mx1'), 'lock.json')));
});

t('mx1 and mx2 in parallel: both applied, verified on the wire, exit code 0', async (ctx) => {
  const journal = await FileJournal.open(ctx.journalDir, 'parallel-1');
  const r = await runApply(
    (['mx1', 'mx2'] as const).map((h) => ({ host: h, stateDir: stateDir(h), requests: [labRequest(h, fromPem(ctx.a))], openSession: () => connect(h) })),
    { runId: 'parallel-1', journal, log: { event: () => {} }, probe: tlsProbe('lab', 5000), clock, owner: 'itest@lab', parallelism: 2, verifyPolicy },
  );
  await journal.close();
  assert.is(r.exit_code, 0, JSON.stringify(r.hosts.map((h) => h.problems)));
  assert.equal(r.hosts.map((h) => h.outcome), ['applied', 'applied']);
  const want = fingerprints(fromPem(ctx.a));
  for (const h of ['mx1', 'mx2'] as const) assert.ok((await servedEverywhere(h)).every((f) => f === want), h);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(r)));
  assert.not.ok(containsPrivateKeyMaterial(readFileSync(journal.path, 'utf8')));
  for (const h of ['mx1', 'mx2'] as const) assert.not.ok(containsPrivateKeyMaterial(readFileSync(join(stateDir(h), 'manifest.json'), 'utf8')));
});

t('Postfix still serving the old certificate after a no-op reload: verify times out, rolled back, old served', async (ctx) => {
  const before = snapshot('mx2');
  const session = await connect('mx2');
  try {
    const d = await labDeps('mx2', session, ctx.journalDir, 'still-old-1');
    d.verifyPolicy = { timeoutMs: 4000, initialDelayMs: 200, maxDelayMs: 1000, factor: 2 };
    const r = await deployGroup(labRequest('mx2', fromPem(ctx.b), { services: { postfix: { reload: [['true']] } } }), d);
    assert.is(r.outcome, 'rolled-back', JSON.stringify(r.problems));
    assert.is(r.failure?.stage, 'verify');
    assert.ok(r.verified.some((v) => !v.ok && v.attempts > 1));
  } finally {
    await session.close();
  }
  assert.equal(snapshot('mx2'), before);
  assert.ok((await servedEverywhere('mx2')).every((f) => f === fingerprints(before.postfix!)));
  assert.equal(leftovers('mx2'), []);
});

t('disk write refused on the host (immutable directory): nothing changes, the failed stage is named', async (ctx) => {
  const before = snapshot('mx2');
  const dir = dirname(services('mx2').postfix!.cert);
  const session = await connect('mx2');
  execFileSync('chattr', ['+i', dir]);
  try {
    const r = await deployGroup(labRequest('mx2', fromPem(ctx.b)), await labDeps('mx2', session, ctx.journalDir, 'ro-1'));
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'stage');
    assert.is(r.failure?.code, 'APPLY_STAGE_FAILED');
    assert.equal(r.reloaded, []);
  } finally {
    execFileSync('chattr', ['-i', dir]);
    await session.close();
  }
  assert.equal(snapshot('mx2'), before);
  assert.equal(leftovers('mx2'), []);
  assert.not.ok(existsSync(join(stateDir('mx2'), 'lock.json')));
});

const READER = `
const fs = require('node:fs'); const crypto = require('node:crypto');
const [path, a, b, stop] = process.argv.slice(1);
const counts = { a: 0, b: 0, other: 0, missing: 0 };
while (!fs.existsSync(stop)) {
  let buf;
  try { buf = fs.readFileSync(path); } catch { counts.missing++; continue; }
  const h = crypto.createHash('sha256').update(buf).digest('hex');
  if (h === a) counts.a++; else if (h === b) counts.b++; else counts.other++;
}
process.stdout.write(JSON.stringify(counts));
`;

t('over SFTP too, a concurrent reader of the certificate file sees only the whole old or the whole new file', async (ctx) => {
  const { createHash } = await import('node:crypto');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const [ma, mb] = [fromPem(ctx.a), fromPem(ctx.b)];
  const session = await connect('mx2');
  const stop = join(ctx.journalDir, 'reader-stop');
  const reader = spawn(process.execPath, ['-e', READER, services('mx2').postfix!.cert, sha(ma.cert), sha(mb.cert), stop], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  reader.stdout!.on('data', (d) => (out += d));
  const done = new Promise((r) => reader.once('exit', r));
  try {
    for (let i = 0; i < 4; i++) {
      const r = await deployGroup(labRequest('mx2', i % 2 ? ma : mb), await labDeps('mx2', session, ctx.journalDir, `reader-${i}`));
      assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    }
  } finally {
    writeFileSync(stop, '');
    await done;
    await session.close();
  }
  const counts = JSON.parse(out) as Record<string, number>;
  assert.is(counts.other, 0, out);
  assert.is(counts.missing, 0, out);
  assert.ok(counts.b! > 0, out);
});

t('two runs at once on one host: exactly one applies, the other is refused by the lock', async (ctx) => {
  const [s1, s2] = [await connect('mx1'), await connect('mx1')];
  try {
    const [r1, r2] = await Promise.all([
      deployGroup(labRequest('mx1', fromPem(ctx.b)), await labDeps('mx1', s1, ctx.journalDir, 'twin-1')),
      deployGroup(labRequest('mx1', fromPem(ctx.b)), await labDeps('mx1', s2, ctx.journalDir, 'twin-2')),
    ]);
    assert.equal([r1.outcome, r2.outcome].sort(), ['applied', 'failed']);
    const refused = [r1, r2].find((r) => r.outcome === 'failed')!;
    assert.is(refused.failure?.code, 'LOCK_HELD');
    assert.match(refused.failure!.message, /mailtls unlock mx1/);
  } finally {
    await s1.close();
    await s2.close();
  }
  assert.ok((await servedEverywhere('mx1')).every((f) => f === fingerprints(fromPem(ctx.b))));
});

t.run();
