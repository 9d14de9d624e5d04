// The deploy transaction on real temp dirs with the local HostSession and a real TLS server that
// reloads on SIGHUP: happy path, idempotence, fix-perms, material checks, lock refusal.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { deployGroup } from '../../../src/apply/transaction.ts';
import { acquireLock } from '../../../src/apply/lock.ts';
import { LocalSession } from '../../../src/transport/local.ts';
import { makeCa, makeLeaf } from './helpers/pki.ts';
import { fp, fullchain, makeFixture, NAME } from './helpers/fixture.ts';

const t = suite('apply/transaction');
const ca = makeCa();

t('happy path: new bytes, modes (key 0600 from creation), owners, served on the wire, manifest, no leftovers', async () => {
  const f = await makeFixture({ ca });
  try {
    const created: { path: string; mode: number }[] = [];
    const session = new LocalSession({ host: 'local' });
    const inner = session.writeNewFile.bind(session);
    session.writeNewFile = (p, d, m) => (created.push({ path: p, mode: m }), inner(p, d, m));
    const req = f.request(f.next);
    req.files[0]!.owner = 'nobody';
    req.files[0]!.group = 'nogroup';
    const r = await deployGroup(req, await f.deps('run-happy', { session }));
    assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    assert.equal(readFileSync(f.certPath), fullchain(f.next));
    assert.equal(readFileSync(f.keyPath), f.next.key);
    assert.is(statSync(f.keyPath).mode & 0o7777, 0o600);
    assert.is(statSync(f.certPath).mode & 0o7777, 0o644);
    assert.is(statSync(f.certPath).uid, 65534);
    assert.is(statSync(f.certPath).gid, 65534);
    const keyTemp = created.find((c) => c.path.includes('.key.pem.mailtls-tmp-'));
    assert.ok(keyTemp, 'the key was staged through a temp file');
    assert.is(keyTemp!.mode & 0o077, 0, 'key temp created without group/other bits');
    const keyBackup = created.find((c) => c.path.includes('.key.pem.mailtls-bak-'));
    assert.is(keyBackup!.mode & 0o077, 0, 'key backup created without group/other bits');
    assert.is(await f.served(), fp(f.next));
    assert.equal(r.reloaded, ['daemon']);
    assert.ok(r.verified.every((v) => v.ok));
    assert.equal(f.leftovers(), []);
    const manifest = readFileSync(`${f.stateDir}/manifest.json`, 'utf8');
    assert.ok(manifest.includes(fp(f.next)));
    assert.not.ok(/PRIVATE KEY|BEGIN CERTIFICATE/.test(manifest), 'manifest holds identities only');
    const journal = readFileSync(`${f.journalDir}/run-happy.jsonl`, 'utf8');
    assert.not.ok(/PRIVATE KEY|BEGIN CERTIFICATE/.test(journal), 'journal holds identities only');
    assert.not.ok(/PRIVATE KEY/.test(JSON.stringify(r)), 'result holds no key');
    assert.is((await import('node:fs')).existsSync(`${f.stateDir}/lock.json`), false, 'lock released');
  } finally {
    await f.close();
  }
});

t('idempotent: a second run writes nothing and reloads nothing (inodes, mtimes, reload count unchanged)', async () => {
  const f = await makeFixture({ ca });
  try {
    assert.is((await deployGroup(f.request(f.next), await f.deps('run-1'))).outcome, 'applied');
    const before = [statSync(f.certPath), statSync(f.keyPath)].map((s) => [s.ino, s.mtimeMs]);
    const reloads = f.reloads();
    const r = await deployGroup(f.request(f.next), await f.deps('run-2'));
    assert.is(r.outcome, 'unchanged');
    assert.equal(r.reloaded, []);
    assert.equal([statSync(f.certPath), statSync(f.keyPath)].map((s) => [s.ino, s.mtimeMs]), before);
    assert.is(f.reloads(), reloads);
    const steps = readFileSync(`${f.journalDir}/run-2.jsonl`, 'utf8');
    assert.not.ok(steps.includes('"stage"') || steps.includes('"reload"'), 'no stage or reload step journalled');
  } finally {
    await f.close();
  }
});

t('fix-perms: a key at 0644 is chmodded in place (same inode), nothing written, nothing reloaded', async () => {
  const f = await makeFixture({ ca });
  try {
    (await import('node:fs')).chmodSync(f.keyPath, 0o644);
    const ino = statSync(f.keyPath).ino;
    const r = await deployGroup(f.request(f.old, { reload: 'never' }), await f.deps('run-perms'));
    assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    assert.is(statSync(f.keyPath).mode & 0o7777, 0o600);
    assert.is(statSync(f.keyPath).ino, ino);
    assert.equal(r.files.map((x) => x.action), ['unchanged', 'attrs']);
    assert.is(f.reloads(), 0);
    assert.equal(f.leftovers(), []);
  } finally {
    await f.close();
  }
});

t('reload-only: reloads and verifies, writes nothing', async () => {
  const f = await makeFixture({ ca });
  try {
    const r = await deployGroup(f.request(f.old, { reload: 'always' }), await f.deps('run-reload'));
    assert.is(r.outcome, 'applied', JSON.stringify(r.problems));
    assert.is(f.reloads(), 1);
    assert.equal(r.files.map((x) => x.action), ['unchanged', 'unchanged']);
  } finally {
    await f.close();
  }
});

t('reload-only whose reload fails: failed at reload, nothing to undo (not a failed rollback)', async () => {
  const f = await makeFixture({ ca });
  try {
    const req = f.request(f.old, { reload: 'always' });
    req.services[0]!.reload = [['false']];
    const r = await deployGroup(req, await f.deps('run-reload-only-fails'));
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'reload');
    assert.is(r.rollbackFailure, undefined);
    assert.equal(readFileSync(f.certPath), fullchain(f.old));
  } finally {
    await f.close();
  }
});

t('check: a key that does not match the certificate is refused before anything is written', async () => {
  const f = await makeFixture({ ca });
  try {
    const other = makeLeaf(ca, [NAME]);
    const ino = statSync(f.certPath).ino;
    const r = await deployGroup(f.request({ ...f.next, key: other.key }), await f.deps('run-mismatch'));
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'check');
    assert.is(r.failure?.code, 'APPLY_KEY_MISMATCH');
    assert.is(statSync(f.certPath).ino, ino);
    assert.equal(readFileSync(f.keyPath), f.old.key);
    assert.equal(f.leftovers(), []);
    assert.not.ok(r.problems.some((p) => p.message.includes('PRIVATE')));
  } finally {
    await f.close();
  }
});

t('check: missing name and wrong chain order are refused', async () => {
  const f = await makeFixture({ ca });
  try {
    const wrong = makeLeaf(ca, ['other.test']);
    const r1 = await deployGroup(f.request(wrong), await f.deps('run-names'));
    assert.is(r1.failure?.code, 'APPLY_NAME_MISSING');
    const req = f.request(f.next);
    req.files[0]!.bytes = Buffer.concat([f.next.chain, f.next.cert]);
    const r2 = await deployGroup(req, await f.deps('run-order'));
    assert.ok(r2.problems.some((p) => p.code === 'APPLY_CHAIN_ORDER'), JSON.stringify(r2.problems));
    assert.equal(readFileSync(f.certPath), fullchain(f.old));
  } finally {
    await f.close();
  }
});

t('lock: a run while another holds the lock is refused and names `mailtls unlock`; an expired lock is stale', async () => {
  const f = await makeFixture({ ca });
  try {
    await acquireLock({ session: f.session, stateDir: f.stateDir, runId: 'other-run', owner: 'alice@ci', ttlMs: 600_000, now: () => new Date() });
    const r = await deployGroup(f.request(f.next), await f.deps('run-locked'));
    assert.is(r.outcome, 'failed');
    assert.is(r.failure?.stage, 'lock');
    assert.is(r.failure?.code, 'LOCK_HELD');
    assert.match(r.failure!.message, /mailtls unlock local/);
    assert.match(r.failure!.message, /alice@ci/);
    assert.equal(readFileSync(f.certPath), fullchain(f.old));
    assert.ok((await import('node:fs')).existsSync(`${f.stateDir}/lock.json`), 'the other run keeps its lock');
    const past = new Date(Date.now() - 3_600_000);
    (await import('node:fs')).unlinkSync(`${f.stateDir}/lock.json`);
    await acquireLock({ session: f.session, stateDir: f.stateDir, runId: 'dead-run', owner: 'bob@ci', ttlMs: 60_000, now: () => past });
    const r2 = await deployGroup(f.request(f.next), await f.deps('run-stale'));
    assert.is(r2.failure?.code, 'LOCK_STALE');
    assert.match(r2.failure!.message, /mailtls unlock local/);
  } finally {
    await f.close();
  }
});

t('two runs at once: exactly one applies, the other is refused by the lock', async () => {
  const f = await makeFixture({ ca });
  try {
    const [a, b] = await Promise.all([
      deployGroup(f.request(f.next), await f.deps('run-a')),
      deployGroup(f.request(f.next), await f.deps('run-b')),
    ]);
    const outcomes = [a.outcome, b.outcome].sort();
    assert.equal(outcomes, ['applied', 'failed']);
    assert.is([a, b].find((x) => x.outcome === 'failed')!.failure?.code, 'LOCK_HELD');
    assert.equal(readFileSync(f.certPath), fullchain(f.next));
    assert.equal(f.leftovers(), []);
  } finally {
    await f.close();
  }
});

t.run();
