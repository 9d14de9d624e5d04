// A line reader over a plain socket for the STARTTLS dialogues: every read has a time-out, a
// closed or failing connection ends the wait at once, and nothing is read past what we asked for
// once the dialogue hands the socket to TLS.
import type { Socket } from 'node:net';
import { ProbeFailure, describe } from './failure.ts';

const MAX_LINE = 8192;
const MAX_BUFFER = 65536;

export class LineConn {
  private buf = '';
  private ended = false;
  private failed: Error | undefined;
  private wake: (() => void) | undefined;
  /** A whole reply (every line of it) must arrive by then: reset by each command we send. */
  private deadline: number;
  private readonly onData = (d: Buffer) => {
    this.buf += d.toString('latin1');
    this.poke();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.poke();
  };
  private readonly onError = (err: Error) => {
    this.failed = err;
    this.poke();
  };

  private readonly socket: Socket;
  private readonly timeoutMs: number;

  constructor(socket: Socket, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.deadline = Date.now() + timeoutMs;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Next line without its CRLF. `step` names what we wait for, for the error message. */
  async readLine(step: string): Promise<string> {
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.buf.slice(0, nl).replace(/\r$/, '');
        this.buf = this.buf.slice(nl + 1);
        if (line.length > MAX_LINE) throw new ProbeFailure('protocol', `line longer than ${MAX_LINE} bytes while waiting for ${step}`);
        return line;
      }
      if (this.buf.length > MAX_BUFFER) throw new ProbeFailure('protocol', `no line end in ${MAX_BUFFER} bytes while waiting for ${step}`);
      if (this.failed) throw new ProbeFailure('protocol', `connection failed while waiting for ${step}: ${describe(this.failed)}`);
      if (this.ended) throw new ProbeFailure('protocol', `server closed the connection while waiting for ${step}`);
      const left = this.deadline - Date.now();
      if (left <= 0) throw new ProbeFailure('timeout', `no answer within ${this.timeoutMs} ms while waiting for ${step}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  write(line: string): void {
    this.deadline = Date.now() + this.timeoutMs;
    this.socket.write(`${line}\r\n`, 'latin1');
  }

  /**
   * Stops reading and gives the socket back for TLS. Bytes the server sent after its "go ahead"
   * would be read as TLS by us (the STARTTLS injection class of bugs): refuse them.
   */
  release(): Socket {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    if (this.buf.length > 0) throw new ProbeFailure('protocol', `server sent ${this.buf.length} unexpected bytes after agreeing to STARTTLS`);
    return this.socket;
  }
}
