// One command over an SSH exec channel: quoted argv in, exit status and capped output out.
import type { Client, ClientChannel } from 'ssh2';
import type { ExecResult } from '../types.ts';

/** Output beyond this many bytes per stream is dropped (a marker says so). */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface RawExecOptions {
  timeoutMs: number;
  stdin?: string | Buffer;
  maxOutputBytes?: number;
  /** After a timeout, how long to wait for the channel to close before giving up on it. */
  graceMs?: number;
}

/**
 * Sends KILL to the remote process group (OpenSSH ≥ 7.8 honours "signal" requests for exec
 * sessions). ssh2's `channel.signal()` silently does nothing once we have ended stdin (it checks
 * `writable`), and we always end stdin, so the request goes through the protocol object.
 */
function killRemote(channel: ClientChannel): void {
  const c = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal(id: number, sig: string): void } };
  };
  try {
    // After our EOF the state is 'eof'; the channel is still open for requests until closed.
    if (c.outgoing && (c.outgoing.state === 'open' || c.outgoing.state === 'eof')) c._client?._protocol?.signal(c.outgoing.id, 'KILL');
  } catch {
    /* connection already gone: nothing left to kill from here */
  }
}

class Capped {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  push(b: Buffer): void {
    const room = this.max - this.size;
    if (room > 0) {
      const part = b.length > room ? b.subarray(0, room) : b;
      this.chunks.push(part);
      this.size += part.length;
    }
    this.dropped += Math.max(0, b.length - Math.max(room, 0));
  }
  text(): string {
    const s = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped ? `${s}\n[… ${this.dropped} more bytes not kept]` : s;
  }
}

/**
 * Runs `command` (already quoted) on `client`. Resolves when the channel closes; on timeout the
 * process is sent KILL, the channel closed, and the result says `timedOut`. Rejects only when
 * the channel cannot be opened (or the connection dies: the session races that separately).
 */
export function execCommand(client: Client, command: string, opts: RawExecOptions): Promise<ExecResult> {
  const max = opts.maxOutputBytes ?? MAX_OUTPUT_BYTES;
  return new Promise<ExecResult>((resolve, reject) => {
    client.exec(command, (err: Error | undefined, channel: ClientChannel) => {
      if (err) return reject(err);
      const out = new Capped(max);
      const errOut = new Capped(max);
      let code: number | null = null;
      let signal: string | undefined;
      let timedOut = false;
      let settled = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(abandon);
        const r: ExecResult = { code: timedOut ? null : code, stdout: out.text(), stderr: errOut.text(), timedOut };
        if (signal) r.signal = signal;
        resolve(r);
      };
      let abandon: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        killRemote(channel);
        channel.close();
        // sshd keeps the channel until the process is gone; if KILL was refused, stop waiting.
        abandon = setTimeout(finish, opts.graceMs ?? 2_000);
      }, opts.timeoutMs);
      channel.on('data', (b: Buffer) => out.push(b));
      channel.stderr.on('data', (b: Buffer) => errOut.push(b));
      channel.on('exit', (c: number | null, sig?: string) => {
        if (typeof c === 'number') code = c;
        if (sig) signal = sig;
      });
      channel.on('close', finish);
      // Always close stdin, so a command that reads it sees EOF instead of waiting forever.
      channel.end(opts.stdin ?? undefined);
    });
  });
}
