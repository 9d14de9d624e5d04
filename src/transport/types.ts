// The seam between the engine and a host: everything mailtls does on a host goes through a
// HostSession. The SSH implementation carries SFTP and exec over one connection per host; the
// local one works on this machine's filesystem (for mailtls running on the mail host itself).

export interface RemoteStat {
  /** Permission bits only (`mode & 0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  isFile: boolean;
  isDirectory: boolean;
  isSymlink: boolean;
  mtimeMs: number;
}

export interface ExecResult {
  /** Exit status; null when killed by a signal or timed out. */
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** Bytes written to the command's stdin (never put secrets in argv). */
  stdin?: string | Buffer;
}

export interface HostSession {
  readonly host: string;
  /** Does not follow a final symlink; undefined when the path does not exist. */
  lstat(path: string): Promise<RemoteStat | undefined>;
  /** Follows symlinks; undefined when the path (or its target) does not exist. */
  stat(path: string): Promise<RemoteStat | undefined>;
  readlink(path: string): Promise<string>;
  /** Canonical absolute path with every symlink resolved. */
  realpath(path: string): Promise<string>;
  readFile(path: string): Promise<Buffer>;
  /**
   * Creates `path` exclusively (fails if it exists) with `mode` from the first byte, writes
   * `data`, fsyncs and closes. A key is never readable by others, not even for a moment.
   */
  writeNewFile(path: string, data: Buffer, mode: number): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  chown(path: string, uid: number, gid: number): Promise<void>;
  /** Atomic replace (POSIX rename semantics, posix-rename@openssh.com over SFTP). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, mode: number): Promise<void>;
  /** Lists the names in a directory. */
  readdir(path: string): Promise<string[]>;
  /** Runs an argv array (quoted for the remote shell, never a shell string); honours `sudo`. */
  exec(argv: string[], opts?: ExecOptions): Promise<ExecResult>;
  /** Resolves user and group names to ids on the host (cached per session). */
  resolveIds(owner: string, group: string): Promise<{ uid: number; gid: number }>;
  /** Resolves ids back to names, for display. */
  resolveNames(uid: number, gid: number): Promise<{ owner?: string; group?: string }>;
  close(): Promise<void>;
}
