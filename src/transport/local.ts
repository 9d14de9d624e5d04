// A HostSession on this machine's filesystem: for `host: local` deployments (mailtls running on
// the mail host itself) and for tests on real temp dirs. Same contract as the SSH session:
// exclusive creates with the final mode from the first byte, atomic renames, argv-only exec.
import { constants, promises as fsp, type Stats } from 'node:fs';
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, HostSession, RemoteStat } from './types.ts';
import { HostOpError, type HostOpKind } from './errors.ts';

function kindOf(err: unknown): HostOpKind {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'not-found';
  if (code === 'EEXIST') return 'exists';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission';
  return 'failure';
}

function toStat(s: Stats): RemoteStat {
  return {
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    isFile: s.isFile(),
    isDirectory: s.isDirectory(),
    isSymlink: s.isSymbolicLink(),
    mtimeMs: s.mtimeMs,
  };
}

export interface LocalSessionOptions {
  /** Name used in messages and results (default `local`). */
  host?: string;
  /** Prefix every exec with `sudo -n --` (when mailtls runs unprivileged on the mail host). */
  sudo?: boolean;
  /** Extra environment for exec (tests put helper scripts on PATH). */
  env?: Record<string, string>;
}

export class LocalSession implements HostSession {
  readonly host: string;
  private readonly sudo: boolean;
  private readonly env: Record<string, string> | undefined;
  private readonly ids = new Map<string, { uid: number; gid: number }>();

  constructor(opts: LocalSessionOptions = {}) {
    this.host = opts.host ?? 'local';
    this.sudo = opts.sudo ?? false;
    this.env = opts.env;
  }

  private async op<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HostOpError) throw err;
      const detail = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
      throw new HostOpError(kindOf(err), this.host, op, path, detail, { cause: err });
    }
  }

  private async maybe(fn: () => Promise<Stats>): Promise<RemoteStat | undefined> {
    try {
      return toStat(await fn());
    } catch (err) {
      if (kindOf(err) === 'not-found') return undefined;
      throw err;
    }
  }

  lstat(path: string): Promise<RemoteStat | undefined> {
    return this.op('lstat', path, () => this.maybe(() => fsp.lstat(path)));
  }

  stat(path: string): Promise<RemoteStat | undefined> {
    return this.op('stat', path, () => this.maybe(() => fsp.stat(path)));
  }

  readlink(path: string): Promise<string> {
    return this.op('readlink', path, () => fsp.readlink(path));
  }

  realpath(path: string): Promise<string> {
    return this.op('realpath', path, () => fsp.realpath(path));
  }

  readFile(path: string): Promise<Buffer> {
    return this.op('readFile', path, () => fsp.readFile(path));
  }

  writeNewFile(path: string, data: Buffer, mode: number): Promise<void> {
    return this.op('writeNewFile', path, async () => {
      // O_EXCL with the mode from creation; fchmod because the umask may have narrowed (or a
      // caller widened) what open() applied. fsync before close so a rename after us is durable.
      const fh = await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
      try {
        await fh.chmod(mode);
        await fh.writeFile(data);
        await fh.sync();
      } catch (err) {
        await fh.close().catch(() => {});
        await fsp.unlink(path).catch(() => {});
        throw err;
      }
      await fh.close();
    });
  }

  chmod(path: string, mode: number): Promise<void> {
    return this.op('chmod', path, () => fsp.chmod(path, mode));
  }

  chown(path: string, uid: number, gid: number): Promise<void> {
    return this.op('chown', path, () => fsp.chown(path, uid, gid));
  }

  rename(from: string, to: string): Promise<void> {
    return this.op('rename', from, () => fsp.rename(from, to));
  }

  unlink(path: string): Promise<void> {
    return this.op('unlink', path, () => fsp.unlink(path));
  }

  mkdir(path: string, mode: number): Promise<void> {
    return this.op('mkdir', path, async () => {
      await fsp.mkdir(path, { mode });
    });
  }

  readdir(path: string): Promise<string[]> {
    return this.op('readdir', path, () => fsp.readdir(path));
  }

  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const full = this.sudo ? ['sudo', '-n', '--', ...argv] : argv;
    const [cmd, ...args] = full;
    if (!cmd) return Promise.reject(new Error('exec: empty argv'));
    return new Promise((resolve) => {
      const child = spawn(cmd, args, {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: this.env ? { ...process.env, ...this.env } : process.env,
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let done = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
      const finish = (r: ExecResult) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', (err) => finish({ code: null, stdout, stderr: stderr + String(err.message), timedOut }));
      child.on('close', (code, signal) =>
        finish({ code: timedOut ? null : code, ...(signal ? { signal } : {}), stdout, stderr, timedOut }),
      );
      child.stdin.on('error', () => {});
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async resolveIds(owner: string, group: string): Promise<{ uid: number; gid: number }> {
    const key = `${owner}:${group}`;
    const hit = this.ids.get(key);
    if (hit) return hit;
    const uid = /^\d+$/.test(owner) ? Number(owner) : await this.lookup('/etc/passwd', owner, 2);
    const gid = /^\d+$/.test(group) ? Number(group) : await this.lookup('/etc/group', group, 2);
    const ids = { uid, gid };
    this.ids.set(key, ids);
    return ids;
  }

  async resolveNames(uid: number, gid: number): Promise<{ owner?: string; group?: string }> {
    const owner = await this.reverse('/etc/passwd', uid);
    const group = await this.reverse('/etc/group', gid);
    return { ...(owner ? { owner } : {}), ...(group ? { group } : {}) };
  }

  private async table(file: string): Promise<string[][]> {
    const text = await fsp.readFile(file, 'utf8').catch(() => '');
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  }

  private async lookup(file: string, name: string, field: number): Promise<number> {
    const row = (await this.table(file)).find((r) => r[0] === name);
    if (!row || row[field] === undefined) {
      throw new HostOpError('not-found', this.host, 'resolveIds', file, `no entry named ${name}`);
    }
    return Number(row[field]);
  }

  private async reverse(file: string, id: number): Promise<string | undefined> {
    return (await this.table(file)).find((r) => Number(r[2]) === id)?.[0];
  }

  async close(): Promise<void> {}
}
