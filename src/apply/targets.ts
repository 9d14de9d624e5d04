// The files of one transaction on the host: what is there now (inspect), the new files beside
// the targets (stage), the old ones kept (backup), the atomic renames (swap) and their undo
// (restore). Each target remembers exactly what it found so a restore is byte-, mode- and
// owner-exact, symlinks included.
import { createHash } from 'node:crypto';
import type { HostSession } from '../transport/types.ts';
import type { DeployFile } from './types.ts';
import { backupPath, resolveLink, tempPath } from './paths.ts';

export interface Before {
  exists: boolean;
  /** `path` itself is a symlink that this deploy replaces by a real file. */
  replacedLink?: string;
  bytes?: Buffer;
  sha256?: string;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface Target {
  file: DeployFile;
  /** Where the bytes land: `path`, or the link's target when writing through a symlink. */
  effectivePath: string;
  uid: number;
  gid: number;
  sha256: string;
  before: Before;
  action: 'write' | 'attrs' | 'none';
  temp: string;
  backup: string;
  staged: boolean;
  backedUp: boolean;
  swapped: boolean;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function isNotFound(err: unknown): boolean {
  const e = err as { kind?: string; code?: string };
  return e?.kind === 'not-found' || e?.code === 'ENOENT';
}

export async function inspect(session: HostSession, file: DeployFile, runId: string, force: boolean): Promise<Target> {
  const { uid, gid } = await session.resolveIds(file.owner, file.group);
  const want = sha256(file.bytes);
  const l = await session.lstat(file.path);
  let effectivePath = file.path;
  let before: Before = { exists: false };
  if (l?.isSymlink && file.replaceSymlink) {
    before = { exists: true, replacedLink: await session.readlink(file.path) };
  } else {
    if (l?.isSymlink) {
      const st = await session.stat(file.path);
      effectivePath = st ? await session.realpath(file.path) : resolveLink(file.path, await session.readlink(file.path));
    }
    const st = await session.lstat(effectivePath);
    if (st?.isFile) {
      const bytes = await session.readFile(effectivePath);
      before = { exists: true, bytes, sha256: sha256(bytes), mode: st.mode, uid: st.uid, gid: st.gid };
    } else if (st) {
      throw new Error(`${effectivePath} exists but is not a regular file`);
    }
  }
  let action: Target['action'] = 'none';
  if (force || !before.exists || before.replacedLink !== undefined || before.sha256 !== want) action = 'write';
  else if (before.mode !== file.mode || before.uid !== uid || before.gid !== gid) action = 'attrs';
  const beside = file.replaceSymlink ? file.path : effectivePath;
  return {
    file, effectivePath, uid, gid, sha256: want, before, action,
    temp: tempPath(beside, runId), backup: backupPath(beside, runId),
    staged: false, backedUp: false, swapped: false,
  };
}

/** New bytes beside the target: created owner-only, chowned, then given the final mode. */
export async function stage(session: HostSession, t: Target): Promise<void> {
  const first = t.file.mode & 0o700;
  t.staged = true; // from here on cleanup must remove it, even if the write fails half-way
  await session.writeNewFile(t.temp, t.file.bytes, first);
  await session.chown(t.temp, t.uid, t.gid);
  if (first !== t.file.mode) await session.chmod(t.temp, t.file.mode);
}

/** Keeps the current file beside the target (a key's copy is never wider than 0600). */
export async function backup(session: HostSession, t: Target): Promise<void> {
  const b = t.before;
  if (!b.exists || t.action !== 'write') return;
  t.backedUp = true;
  if (b.replacedLink !== undefined) {
    // HostSession has no symlink(): `ln -s` makes the copy, a rename restores it atomically.
    const r = await session.exec(['ln', '-s', '--', b.replacedLink, t.backup], { timeoutMs: 30_000 });
    if (r.code !== 0) throw new Error(`ln -s failed: ${r.stderr.trim()}`);
    return;
  }
  const mode = t.file.secret ? (b.mode ?? 0o600) & 0o600 : (b.mode ?? 0o644);
  await session.writeNewFile(t.backup, b.bytes ?? Buffer.alloc(0), mode);
  await session.chown(t.backup, b.uid ?? 0, b.gid ?? 0);
}

export async function swap(session: HostSession, t: Target): Promise<void> {
  if (t.action === 'write') {
    await session.rename(t.temp, t.file.replaceSymlink ? t.file.path : t.effectivePath);
    t.swapped = true;
  } else if (t.action === 'attrs') {
    t.swapped = true;
    await session.chown(t.effectivePath, t.uid, t.gid);
    await session.chmod(t.effectivePath, t.file.mode);
  }
}

/** Undoes one swap exactly. Throws on failure; the caller goes on with the other targets. */
export async function restore(session: HostSession, t: Target): Promise<void> {
  if (!t.swapped) return;
  const b = t.before;
  const dest = t.file.replaceSymlink ? t.file.path : t.effectivePath;
  if (t.action === 'attrs') {
    await session.chown(t.effectivePath, b.uid ?? t.uid, b.gid ?? t.gid);
    await session.chmod(t.effectivePath, b.mode ?? t.file.mode);
  } else if (!b.exists) {
    await session.unlink(dest);
  } else {
    if (b.replacedLink === undefined) await session.chmod(t.backup, b.mode ?? 0o600);
    await session.rename(t.backup, dest);
    t.backedUp = false;
  }
  t.swapped = false;
}

/** Removes our temp and backup files; returns the paths that could not be removed. */
export async function cleanup(session: HostSession, targets: Target[], keepBackups: boolean): Promise<string[]> {
  const left: string[] = [];
  for (const t of targets) {
    const paths = [...(t.staged && !t.swapped ? [t.temp] : []), ...(t.backedUp && !keepBackups ? [t.backup] : [])];
    for (const p of paths) {
      try {
        await session.unlink(p);
      } catch (err) {
        if (!isNotFound(err)) left.push(p);
      }
    }
    if (t.staged && !t.swapped) t.staged = false;
    if (!keepBackups) t.backedUp = false;
  }
  return left;
}
