// Fault injection at each step of the deploy transaction, with the local HostSession and a real
// TLS server: every case ends fully old or fully new, with the right outcome, the failed stage
// named, and no temp or backup file left except the documented ones (a failed restore keeps them).
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import { makeCa } from './helpers/pki.ts';
import { fp, fullchain, makeFixture, type Fixture } from './helpers/fixture.ts';

const t = suite('apply/faults');
const ca = makeCa();

function assertOld(f: Fixture): void {
  assert.equal(readFileSync(f.certPath), fullchain(f.old), 'cert is the old one');
  assert.equal(readFileSync(f.keyPath), f.old.key, 'key is the old one');
  assert.is(statSync(f.keyPath).mode & 0o7777, 0o600);
  assert.is(statSync(f.certPath).mode & 0o7777, 0o644);
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const f = await makeFixture({ ca });
  try {
    await fn(f);
  } finally {
    execFileSync('chattr', ['-i', dirname(f.certPath)]);
    await f.close();
  }
}

t('disk write refused (immutable directory): stage fails, nothing changed, nothing left', () =>
  withFixture(async (f) => {
    execFileSync('chattr', ['+i', dirname(f.certPath)]);
    const r = await deployGroup(f.request(f.next), await f.deps('run-ro'));
    execFileSync('chattr', ['-i', dirname(f.certPath)]);
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'stage');
    assert.is(r.failure?.code, 'APPLY_STAGE_FAILED');
    assertOld(f);
    assert.equal(f.leftovers(), []);
    assert.is(f.reloads(), 0);
    assert.not.ok(existsSync(`${f.stateDir}/lock.json`));
  }));

t('daemon check fails: old files restored, no reload, old served', () =>
  withFixture(async (f) => {
    const req = f.request(f.next);
    req.services[0]!.validate = [['false']];
    const r = await deployGroup(req, await f.deps('run-validate'));
    assert.is(r.outcome, 'rolled-back');
    assert.is(r.failure?.stage, 'validate');
    assert.is(r.failure?.code, 'APPLY_VALIDATE_FAILED');
    assertOld(f);
    assert.is(f.reloads(), 0);
    assert.is(await f.served(), fp(f.old));
    assert.equal(f.leftovers(), []);
  }));

t('reload command fails: old files restored, reloaded again, old served', () =>
  withFixture(async (f) => {
    const marker = `${f.dir}/fail-once`;
    (await import('node:fs')).writeFileSync(marker, '');
    const req = f.request(f.next);
    req.services[0]!.reload = [['sh', '-c', `if [ -e "$0" ]; then rm "$0"; exit 1; fi; kill -HUP ${f.pid}`, marker]];
    const r = await deployGroup(req, await f.deps('run-reload-fails'));
    assert.is(r.outcome, 'rolled-back', JSON.stringify(r.problems));
    assert.is(r.failure?.stage, 'reload');
    assertOld(f);
    assert.is(f.reloads(), 1, 'the rollback reloaded');
    assert.is(await f.served(), fp(f.old));
    assert.equal(f.leftovers(), []);
  }));

t('daemon still serves the old certificate after reload: verify fails, rolled back, old served', () =>
  withFixture(async (f) => {
    const req = f.request(f.next);
    req.services[0]!.reload = [['true']];
    const r = await deployGroup(req, await f.deps('run-still-old'));
    assert.is(r.outcome, 'rolled-back');
    assert.is(r.failure?.stage, 'verify');
    assert.is(r.failure?.code, 'APPLY_VERIFY_FAILED');
    assert.ok(r.verified.some((v) => !v.ok && v.attempts > 1), 'verify retried before giving up');
    assertOld(f);
    assert.is(await f.served(), fp(f.old));
    assert.equal(f.leftovers(), []);
  }));

t('verify probe times out (endpoint never answers): rolled back, and the unconfirmable rollback says so', () =>
  withFixture(async (f) => {
    const hole = createServer(() => {}); // accepts and never speaks TLS
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    try {
      const port = (hole.address() as { port: number }).port;
      const req = f.request(f.next);
      req.verify = [{ ...req.verify[0]!, port }];
      const deps = await f.deps('run-timeout', { verifyPolicy: { timeoutMs: 1500, initialDelayMs: 50, maxDelayMs: 200, factor: 2 } });
      const { probeTls } = await import('./helpers/probe.ts');
      deps.probe = (e) => probeTls(e, 300);
      const r = await deployGroup(req, deps);
      assert.is(r.failure?.stage, 'verify');
      assert.match(r.failure!.message, /timeout/);
      assert.is(r.outcome, 'failed-rollback');
      assert.is(r.rollbackFailure?.stage, 'rollback-verify');
      assertOld(f);
      assert.equal(f.leftovers(), []);
    } finally {
      hole.close();
    }
  }));

t('rollback fails (restore refused): loud failure naming the kept backups, which hold the old bytes', () =>
  withFixture(async (f) => {
    const req = f.request(f.next);
    req.services[0]!.validate = [['chattr', '+i', dirname(f.certPath)], ['false']];
    const r = await deployGroup(req, await f.deps('run-rollback-fails'));
    execFileSync('chattr', ['-i', dirname(f.certPath)]);
    assert.is(r.outcome, 'failed-rollback');
    assert.is(r.failure?.stage, 'validate');
    assert.is(r.rollbackFailure?.stage, 'restore');
    assert.is(r.rollbackFailure?.backups.length, 2);
    const p = r.problems.find((x) => x.code === 'APPLY_ROLLBACK_FAILED')!;
    assert.match(p.message, /ROLLBACK FAILED/);
    for (const b of r.rollbackFailure!.backups) assert.ok(p.message.includes(b));
    const [certBak, keyBak] = [r.rollbackFailure!.backups.find((b) => b.includes('cert'))!, r.rollbackFailure!.backups.find((b) => b.includes('key'))!];
    assert.equal(readFileSync(certBak), fullchain(f.old));
    assert.equal(readFileSync(keyBak), f.old.key);
    assert.is(statSync(keyBak).mode & 0o077, 0, 'the key backup is not readable by others');
    assert.equal(f.leftovers().sort(), r.rollbackFailure!.backups.map((b) => b.split('/').pop()).sort(), 'only the named backups remain');
    assert.ok(existsSync(`${f.stateDir}/lock.json`), 'the lock stays until a human unlocks');
  }));

t('reload fails again during rollback: failed-rollback, old files back in place, no backup left', () =>
  withFixture(async (f) => {
    const req = f.request(f.next);
    req.services[0]!.reload = [['false']];
    const r = await deployGroup(req, await f.deps('run-reload-always-fails'));
    assert.is(r.outcome, 'failed-rollback');
    assert.is(r.failure?.stage, 'reload');
    assert.is(r.rollbackFailure?.stage, 'rollback-reload');
    assertOld(f);
    assert.equal(f.leftovers(), []);
  }));

t('a rename failing half-way through the swap: the renamed files are restored', () =>
  withFixture(async (f) => {
    const session = new LocalSession({ host: 'local' });
    const rename = session.rename.bind(session);
    session.rename = (from, to) => (to === f.keyPath && from.includes('mailtls-tmp') ? Promise.reject(new Error('injected rename failure')) : rename(from, to));
    const r = await deployGroup(f.request(f.next), await f.deps('run-swap', { session }));
    assert.is(r.outcome, 'rolled-back');
    assert.is(r.failure?.stage, 'swap');
    assertOld(f);
    assert.equal(f.leftovers(), []);
  }));

t('a file that did not exist before is removed again on rollback', () =>
  withFixture(async (f) => {
    const req = f.request(f.next);
    const extra = `${dirname(f.certPath)}/chain.pem`;
    req.files.push({ ...req.files[0]!, path: extra, role: 'chain', bytes: f.next.chain });
    req.services[0]!.validate = [['false']];
    const r = await deployGroup(req, await f.deps('run-newfile'));
    assert.is(r.outcome, 'rolled-back');
    assert.not.ok(existsSync(extra));
    assertOld(f);
    assert.equal(f.leftovers(), []);
  }));

t.run();
