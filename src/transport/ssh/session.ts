// HostSession over one SSH connection: a lazily opened SFTP channel and exec channels beside it.
// Every operation is queued (few SFTP requests in flight per connection), bounded by a timeout,
// and raced against the connection dying, so nothing ever hangs on a dead host.
import type { Client, SFTPWrapper } from 'ssh2';
import type { Host } from '../../inventory/types.ts';
import { HostOpError, TransportError } from '../errors.ts';
import { IdResolver } from '../ids.ts';
import { Limiter } from '../limiter.ts';
import type { ExecOptions, ExecResult, HostSession, RemoteStat } from '../types.ts';
import type { Chain, JumpLease, SshTimeouts } from './connect.ts';
import { execCommand } from './exec.ts';
import { destroyClient, endClient } from './teardown.ts';
import { remoteCommand } from './quote.ts';
import * as ops from './sftp-ops.ts';

const SFTP_IN_FLIGHT = 4;
/** OpenSSH allows 10 channels per connection (MaxSessions); SFTP takes one. */
const EXEC_IN_FLIGHT = 4;
/** ssh2's words for "the connection went away under this request". */
const GONE = /No response from server|Not connected|Channel is not open|No SFTP channel|connection lost/i;

export class SshSession implements HostSession {
  readonly host: string;
  private readonly settings: Host;
  /** The clients this session owns (target last); a shared jump connection is only leased. */
  private readonly clients: Client[];
  private readonly client: Client;
  private readonly lease?: JumpLease;
  private unsubscribeLease?: () => void;
  private readonly t: Required<SshTimeouts>;
  private sftpChannel?: Promise<SFTPWrapper>;
  private readonly sftpQueue = new Limiter(SFTP_IN_FLIGHT);
  private readonly execQueue = new Limiter(EXEC_IN_FLIGHT);
  private readonly ids: IdResolver;
  private lostError?: TransportError;
  /** Rejecters of the operations in flight; all called when the connection is lost. */
  private readonly inFlight = new Set<(e: TransportError) => void>();
  private closing?: Promise<void>;
  private ending = false;
  private readonly closedClients = new WeakSet<Client>();

  constructor(host: Host, chain: Chain, timeouts: SshTimeouts = {}) {
    this.host = host.name;
    this.settings = host;
    const clients = chain.clients;
    this.clients = clients;
    this.client = clients[clients.length - 1]!;
    this.lease = chain.lease;
    this.t = {
      connectMs: timeouts.connectMs ?? host.ssh.connectTimeoutMs,
      opMs: timeouts.opMs ?? 30_000,
      execMs: timeouts.execMs ?? 120_000,
      closeMs: timeouts.closeMs ?? 2_000,
    };
    for (const c of clients) {
      c.on('error', (err: Error) => this.lose(`connection error: ${err.message}`));
      c.on('close', () => {
        this.closedClients.add(c);
        this.lose('connection closed');
      });
    }
    if (this.lease) this.unsubscribeLease = this.lease.onLost(() => this.lose('the jump host connection was lost'));
    this.ids = new IdResolver({ host: this.host, exec: (argv) => this.exec(argv), readFile: (p) => this.readFile(p) });
  }

  /** Marks the session dead, rejects everything in flight, and drops the sockets. */
  private lose(why: string, err?: TransportError): void {
    if (this.lostError) return;
    this.lostError = err ?? new TransportError('SSH_CONNECTION_LOST', this.host, `${this.host}: ${why}`);
    for (const reject of this.inFlight) reject(this.lostError);
    this.inFlight.clear();
    if (!this.ending) {
      for (const c of this.clients) destroyClient(c);
      this.releaseLease();
    }
  }

  private releaseLease(): void {
    this.unsubscribeLease?.();
    this.lease?.release();
  }

  private async guard<T>(label: string, ms: number, work: () => Promise<T>): Promise<T> {
    if (this.lostError) throw this.lostError;
    let timer: NodeJS.Timeout | undefined;
    let onLost: ((e: TransportError) => void) | undefined;
    // Settles when the connection dies (or this operation times out), whichever comes first.
    const interrupted = new Promise<never>((_, reject) => {
      onLost = reject;
      this.inFlight.add(reject);
      timer = setTimeout(() => {
        // The request cannot be cancelled and its outcome is unknown: end the session.
        const e = new TransportError('SSH_TIMEOUT', this.host, `${this.host}: ${label} timed out after ${ms} ms; connection closed`);
        this.lose('timeout', e);
        reject(e);
      }, ms);
    });
    try {
      return await Promise.race([work(), interrupted]);
    } catch (err) {
      if (err instanceof TransportError || err instanceof HostOpError) throw err;
      if (this.lostError) throw this.lostError;
      if (GONE.test((err as Error)?.message ?? '')) {
        this.lose((err as Error).message);
        throw this.lostError!;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      if (onLost) this.inFlight.delete(onLost);
    }
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpChannel ??= new Promise<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, sftp) => {
        if (err) {
          this.sftpChannel = undefined;
          return reject(new TransportError('SSH_PROTOCOL', this.host, `${this.host}: cannot open the SFTP subsystem: ${err.message}`));
        }
        sftp.on('close', () => (this.sftpChannel = undefined)); // reopened by the next operation
        resolve(sftp);
      });
    });
    return this.sftpChannel;
  }

  private op<T>(op: string, path: string, work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    return this.sftpQueue.run(() =>
      this.guard(`${op} ${path}`, this.t.opMs, async () => {
        const sftp = await this.sftp();
        try {
          return await work(sftp);
        } catch (err) {
          if (err instanceof HostOpError || this.lostError || GONE.test((err as Error)?.message ?? '')) throw err;
          throw ops.opError(this.host, op, path, err);
        }
      }),
    );
  }

  lstat(path: string): Promise<RemoteStat | undefined> {
    return this.op('lstat', path, (s) => ops.statOrUndefined(s, path, false));
  }
  stat(path: string): Promise<RemoteStat | undefined> {
    return this.op('stat', path, (s) => ops.statOrUndefined(s, path, true));
  }
  readlink(path: string): Promise<string> {
    return this.op('readlink', path, (s) => ops.readlink(s, path));
  }
  realpath(path: string): Promise<string> {
    return this.op('realpath', path, (s) => ops.realpath(s, path));
  }
  readFile(path: string): Promise<Buffer> {
    return this.op('read', path, (s) => ops.readFile(s, path));
  }
  readdir(path: string): Promise<string[]> {
    return this.op('readdir', path, (s) => ops.readdir(s, path));
  }
  writeNewFile(path: string, data: Buffer, mode: number): Promise<void> {
    return this.op('create', path, (s) => ops.writeNewFile(s, this.host, path, data, mode));
  }
  chmod(path: string, mode: number): Promise<void> {
    return this.op('chmod', path, (s) => ops.chmod(s, path, mode));
  }
  chown(path: string, uid: number, gid: number): Promise<void> {
    return this.op('chown', path, (s) => ops.chown(s, path, uid, gid));
  }
  rename(from: string, to: string): Promise<void> {
    return this.op('rename', `${from} → ${to}`, (s) => ops.posixRename(s, from, to));
  }
  unlink(path: string): Promise<void> {
    return this.op('unlink', path, (s) => ops.unlink(s, path));
  }
  mkdir(path: string, mode: number): Promise<void> {
    return this.op('mkdir', path, (s) => ops.mkdir(s, path, mode));
  }

  exec(argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = remoteCommand(argv, this.settings.ssh.sudo);
    const timeoutMs = opts.timeoutMs ?? this.t.execMs;
    const raw = opts.stdin === undefined ? { timeoutMs, graceMs: this.t.closeMs } : { timeoutMs, graceMs: this.t.closeMs, stdin: opts.stdin };
    return this.execQueue.run(() =>
      // The command's own timeout closes its channel; the guard only catches a connection
      // that stopped answering altogether.
      this.guard(`exec ${argv[0] ?? ''}`, timeoutMs + this.t.closeMs + 5_000, async () => {
        try {
          return await execCommand(this.client, command, raw);
        } catch (err) {
          if (this.lostError || GONE.test((err as Error)?.message ?? '')) throw err;
          throw new HostOpError('failure', this.host, 'exec', argv[0] ?? '', (err as Error).message, { cause: err });
        }
      }),
    );
  }

  resolveIds(owner: string, group: string): Promise<{ uid: number; gid: number }> {
    return this.ids.ids(owner, group);
  }
  resolveNames(uid: number, gid: number): Promise<{ owner?: string; group?: string }> {
    return this.ids.names(uid, gid);
  }

  /** Ends every hop, target first; a hop that does not close in time is destroyed. Idempotent. */
  close(): Promise<void> {
    if (!this.ending) {
      this.ending = true;
      this.lose('the session is closed');
    }
    this.closing ??= (async () => {
      for (const c of [...this.clients].reverse()) {
        if (!this.closedClients.has(c)) await endClient(c, this.t.closeMs);
      }
      this.releaseLease();
    })();
    return this.closing;
  }
}
