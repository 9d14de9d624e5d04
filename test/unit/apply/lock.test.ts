// The host lock on its own: exclusive, released only by its holder, a waiting run gets it once
// the holder releases, `mailtls unlock` (forceUnlock) removes any lock and says whose it was.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, forceUnlock, LockError, readLock, releaseLock } from '../../../src/apply/lock.ts';
import { LocalSession } from '../../../src/transport/local.ts';

const t = suite('apply/lock');
const session = new LocalSession({ host: 'mx9' });
const now = () => new Date();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

t('the lock file holds owner, run id, pid, created, expires; only its holder releases it', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'mailtls-lock-')), 'state', 'nested');
  try {
    const info = await acquireLock({ session, stateDir: dir, runId: 'r1', owner: 'alice@ci', ttlMs: 60_000, now });
    const onDisk = JSON.parse(readFileSync(join(dir, 'lock.json'), 'utf8'));
    assert.equal(onDisk, info);
    assert.equal(Object.keys(onDisk).sort(), ['created', 'expires', 'host', 'owner', 'pid', 'run_id']);
    assert.is(statSync(join(dir, 'lock.json')).mode & 0o777, 0o644);
    assert.is(await releaseLock(session, dir, 'someone-else'), false);
    assert.is((await readLock(session, dir))?.run_id, 'r1');
    assert.is(await releaseLock(session, dir, 'r1'), true);
    assert.is(await readLock(session, dir), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('a waiting run gets the lock once the holder releases it; without waiting it is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-lock-'));
  try {
    await acquireLock({ session, stateDir: dir, runId: 'r1', owner: 'alice@ci', ttlMs: 60_000, now });
    const refused = await acquireLock({ session, stateDir: dir, runId: 'r2', owner: 'bob@ci', ttlMs: 60_000, now }).catch((e: unknown) => e);
    assert.instance(refused, LockError);
    assert.is((refused as LockError).code, 'LOCK_HELD');
    assert.is((refused as LockError).holder?.owner, 'alice@ci');
    const waiting = acquireLock({ session, stateDir: dir, runId: 'r2', owner: 'bob@ci', ttlMs: 60_000, now, waitMs: 10_000, sleep });
    setTimeout(() => void releaseLock(session, dir, 'r1'), 200);
    assert.is((await waiting).run_id, 'r2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t('forceUnlock (`mailtls unlock HOST`) removes any lock and reports its holder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-lock-'));
  try {
    await acquireLock({ session, stateDir: dir, runId: 'dead', owner: 'carol@ci', ttlMs: 1, now: () => new Date(Date.now() - 10_000) });
    const stale = await acquireLock({ session, stateDir: dir, runId: 'r3', owner: 'dan@ci', ttlMs: 60_000, now }).catch((e: LockError) => e);
    assert.is((stale as LockError).code, 'LOCK_STALE');
    assert.match((stale as LockError).message, /mailtls unlock mx9/);
    assert.is((await forceUnlock(session, dir))?.owner, 'carol@ci');
    assert.is(await forceUnlock(session, dir), undefined);
    assert.is((await acquireLock({ session, stateDir: dir, runId: 'r3', owner: 'dan@ci', ttlMs: 60_000, now })).run_id, 'r3');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.run();
