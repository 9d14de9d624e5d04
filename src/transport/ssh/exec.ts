// One command over an SSH exec channel: quoted argv in, exit status and capped output out.
import type { Client, ClientChannel } from 'ssh2';
import type { ExecResult } from '../types.ts';

/** Output beyond this many bytes per stream is dropped (a marker says so). */
export const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface RawExecOptions {
  timeoutMs: number;
  stdin?: string | Buffer;
  maxOutputBytes?: number;
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
      const timer = setTimeout(() => {
        timedOut = true;
        // OpenSSH ≥ 7.9 honours signal requests; closing the channel also ends the session.
        try {
          channel.signal('KILL');
        } catch {
          /* channel already gone */
        }
        channel.close();
      }, opts.timeoutMs);
      channel.on('data', (b: Buffer) => out.push(b));
      channel.stderr.on('data', (b: Buffer) => errOut.push(b));
      channel.on('exit', (c: number | null, sig?: string) => {
        if (typeof c === 'number') code = c;
        if (sig) signal = sig;
      });
      channel.on('close', () => {
        clearTimeout(timer);
        const r: ExecResult = { code: timedOut ? null : code, stdout: out.text(), stderr: errOut.text(), timedOut };
        if (signal) r.signal = signal;
        resolve(r);
      });
      // Always close stdin, so a command that reads it sees EOF instead of waiting forever.
      channel.end(opts.stdin ?? undefined);
    });
  });
}
