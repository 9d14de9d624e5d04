// Promise wrappers over ssh2's SFTP channel, one per HostSession operation. No timeouts or
// queueing here (session.ts adds those); only the protocol steps and the error mapping.
import type { SFTPWrapper, Stats } from 'ssh2';
import { HostOpError, type HostOpKind } from '../errors.ts';
import type { RemoteStat } from '../types.ts';

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02 §7). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const FAILURE = 4;
const OP_UNSUPPORTED = 8;

type Cb<T> = (err: Error | undefined | null, value: T) => void;

/** Runs a callback-style call; a synchronous throw (ssh2 throws for unsupported extensions) rejects. */
function call<T>(fn: (cb: Cb<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    fn((err, value) => (err ? reject(err) : resolve(value)));
  });
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

export function isNoSuchFile(err: unknown): boolean {
  return statusOf(err) === NO_SUCH_FILE;
}

function kindOf(err: unknown): HostOpKind {
  switch (statusOf(err)) {
    case NO_SUCH_FILE: return 'not-found';
    case PERMISSION_DENIED: return 'permission';
    case OP_UNSUPPORTED: return 'unsupported';
    default: return /does not support/.test((err as Error)?.message ?? '') ? 'unsupported' : 'failure';
  }
}

export function opError(host: string, op: string, path: string, err: unknown, kind?: HostOpKind): HostOpError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HostOpError(kind ?? kindOf(err), host, op, path, detail, { cause: err });
}

export function toRemoteStat(s: Stats): RemoteStat {
  return {
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymlink: s.isSymbolicLink(),
    mtimeMs: s.mtime * 1000,
  };
}

export async function statOrUndefined(sftp: SFTPWrapper, path: string, follow: boolean): Promise<RemoteStat | undefined> {
  try {
    const s = await call<Stats>((cb) => (follow ? sftp.stat(path, cb) : sftp.lstat(path, cb)));
    return toRemoteStat(s);
  } catch (err) {
    if (isNoSuchFile(err)) return undefined;
    throw err;
  }
}

export const readlink = (sftp: SFTPWrapper, path: string) => call<string>((cb) => sftp.readlink(path, cb));
export const realpath = (sftp: SFTPWrapper, path: string) => call<string>((cb) => sftp.realpath(path, cb));
export const readFile = (sftp: SFTPWrapper, path: string) => call<Buffer>((cb) => sftp.readFile(path, cb));
export const chmod = (sftp: SFTPWrapper, path: string, mode: number) => call<void>((cb) => sftp.chmod(path, mode, cb));
export const chown = (sftp: SFTPWrapper, path: string, uid: number, gid: number) =>
  call<void>((cb) => sftp.chown(path, uid, gid, cb));
export const unlink = (sftp: SFTPWrapper, path: string) => call<void>((cb) => sftp.unlink(path, cb));
/** posix-rename@openssh.com: rename(2) semantics, atomically replacing an existing target. */
export const posixRename = (sftp: SFTPWrapper, from: string, to: string) =>
  call<void>((cb) => sftp.ext_openssh_rename(from, to, cb));

export async function readdir(sftp: SFTPWrapper, path: string): Promise<string[]> {
  const list = await call<{ filename: string }[]>((cb) => sftp.readdir(path, cb));
  return list.map((e) => e.filename).filter((n) => n !== '.' && n !== '..');
}

export async function mkdir(sftp: SFTPWrapper, path: string, mode: number): Promise<void> {
  await call<void>((cb) => sftp.mkdir(path, { mode }, cb));
  // The server's umask narrowed `mode`; make it exact (the directory is new and empty).
  await chmod(sftp, path, mode);
}

/**
 * Exclusive create with the final mode, write, fsync, close. The file is created by open(2)
 * with O_CREAT|O_EXCL and `mode` (narrowed by the server's umask), so from its first moment it
 * is never more readable than `mode`; fchmod then sets exactly `mode` (only ever widening up to
 * it). Any failure after the create closes and unlinks the file, so no partial temp is left.
 * A pre-existing path is never touched (kind 'exists').
 */
export async function writeNewFile(sftp: SFTPWrapper, host: string, path: string, data: Buffer, mode: number): Promise<void> {
  let handle: Buffer;
  try {
    handle = await call<Buffer>((cb) => sftp.open(path, 'wx', { mode }, cb));
  } catch (err) {
    // SFTP v3 has no "exists" status: OpenSSH maps EEXIST to FAILURE. Look before we say so.
    if (statusOf(err) === FAILURE && (await statOrUndefined(sftp, path, false).catch(() => undefined))) {
      throw opError(host, 'create', path, err, 'exists');
    }
    throw opError(host, 'create', path, err);
  }
  let step = 'fchmod';
  try {
    await call<void>((cb) => sftp.fchmod(handle, mode, cb));
    step = 'write';
    await call<void>((cb) => sftp.write(handle, data, 0, data.length, 0, cb));
    step = 'fsync';
    await call<void>((cb) => sftp.ext_openssh_fsync(handle, cb));
    step = 'close';
    const h = handle;
    handle = Buffer.alloc(0);
    await call<void>((cb) => sftp.close(h, cb));
  } catch (err) {
    if (handle.length) await call<void>((cb) => sftp.close(handle, cb)).catch(() => undefined);
    await unlink(sftp, path).catch(() => undefined);
    throw opError(host, step, path, err);
  }
}
