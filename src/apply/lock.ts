// The host lock: one JSON file in the host's state dir, created exclusively (writeNewFile), so
// two runs never interleave on a host. A held or expired lock is refused with who holds it and
// how to release it; the lock is removed only by the run that holds it (or `mailtls unlock`).
import { posix } from 'node:path';
import type { HostSession } from '../transport/types.ts';
import { lockPath } from './paths.ts';

export interface LockInfo {
  owner: string;
  run_id: string;
  pid: number;
  host: string;
  created: string;
  expires: string;
}

export type LockRefusal = { code: 'LOCK_HELD' | 'LOCK_STALE'; message: string; holder?: LockInfo };

export class LockError extends Error {
  readonly code: 'LOCK_HELD' | 'LOCK_STALE' | 'LOCK_FAILED';
  readonly holder: LockInfo | undefined;
  constructor(code: LockError['code'], message: string, holder?: LockInfo) {
    super(message);
    this.name = 'LockError';
    this.code = code;
    this.holder = holder;
  }
}

export interface LockOptions {
  session: HostSession;
  stateDir: string;
  runId: string;
  owner: string;
  ttlMs: number;
  now: () => Date;
  /** Poll a held lock this long before refusing (0: refuse at once). */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function isExists(err: unknown): boolean {
  const e = err as { kind?: string; code?: string; cause?: { code?: string } };
  return e?.kind === 'exists' || e?.code === 'EEXIST' || e?.cause?.code === 'EEXIST';
}

/** Creates the directory and its missing parents (mode 0700: it holds no secrets, but no one else's business). */
export async function ensureDir(session: HostSession, dir: string): Promise<void> {
  const st = await session.stat(dir);
  if (st?.isDirectory) return;
  const parent = posix.dirname(dir);
  if (parent !== dir) await ensureDir(session, parent);
  try {
    await session.mkdir(dir, 0o755);
  } catch (err) {
    if (!(await session.stat(dir))?.isDirectory) throw err;
  }
}

export async function readLock(session: HostSession, stateDir: string): Promise<LockInfo | undefined> {
  const p = lockPath(stateDir);
  if (!(await session.lstat(p))) return undefined;
  try {
    return JSON.parse((await session.readFile(p)).toString('utf8')) as LockInfo;
  } catch {
    return { owner: '?', run_id: '?', pid: 0, host: session.host, created: '?', expires: '?' };
  }
}

function describe(l: LockInfo): string {
  return `run ${l.run_id} by ${l.owner} (pid ${l.pid}) since ${l.created}, expires ${l.expires}`;
}

export async function acquireLock(o: LockOptions): Promise<LockInfo> {
  await ensureDir(o.session, o.stateDir);
  const created = o.now();
  const info: LockInfo = {
    owner: o.owner,
    run_id: o.runId,
    pid: process.pid,
    host: o.session.host,
    created: created.toISOString(),
    expires: new Date(created.getTime() + o.ttlMs).toISOString(),
  };
  const deadline = created.getTime() + (o.waitMs ?? 0);
  for (;;) {
    try {
      await o.session.writeNewFile(lockPath(o.stateDir), Buffer.from(JSON.stringify(info, null, 2) + '\n'), 0o644);
      return info;
    } catch (err) {
      if (!isExists(err)) throw new LockError('LOCK_FAILED', `${o.session.host}: cannot create ${lockPath(o.stateDir)}: ${(err as Error).message}`);
    }
    const holder = await readLock(o.session, o.stateDir);
    if (!holder) continue; // released between our attempt and the read: try again
    const unlock = `mailtls unlock ${o.session.host}`;
    const expired = Date.parse(holder.expires) < o.now().getTime();
    if (expired) {
      throw new LockError('LOCK_STALE', `${o.session.host} is locked by a run that did not finish: ${describe(holder)}; if nothing runs there, release it with \`${unlock}\``, holder);
    }
    if (o.now().getTime() >= deadline || !o.sleep) {
      throw new LockError('LOCK_HELD', `${o.session.host} is locked by ${describe(holder)}; wait for it, or if it died release it with \`${unlock}\``, holder);
    }
    await o.sleep(Math.min(1000, Math.max(50, deadline - o.now().getTime())));
  }
}

/** Removes the lock if it is ours; a lock taken over by someone else is left alone. */
export async function releaseLock(session: HostSession, stateDir: string, runId: string): Promise<boolean> {
  const holder = await readLock(session, stateDir);
  if (!holder || holder.run_id !== runId) return false;
  await session.unlink(lockPath(stateDir));
  return true;
}

/** `mailtls unlock HOST`: removes whatever lock is there and says whose it was. */
export async function forceUnlock(session: HostSession, stateDir: string): Promise<LockInfo | undefined> {
  const holder = await readLock(session, stateDir);
  if (holder) await session.unlink(lockPath(stateDir));
  return holder;
}
