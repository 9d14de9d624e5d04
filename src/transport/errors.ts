// Errors a HostSession throws. Two kinds:
// - TransportError: the connection itself failed (or could not be made). It carries a catalogue
//   code so callers turn it into a Problem for that host and move on to the next host.
// - HostOpError: one file operation failed on an otherwise working connection (no such file,
//   exists, permission denied). `kind` lets the engine branch without parsing messages.
import { problem } from '../errors/catalog.ts';
import type { Problem } from '../errors/problem.ts';

export type TransportCode =
  | 'SSH_HOST_KEY_MISMATCH'
  | 'SSH_HOST_KEY_UNKNOWN'
  | 'SSH_AUTH_FAILED'
  | 'SSH_REFUSED'
  | 'SSH_TIMEOUT'
  | 'SSH_DNS'
  | 'SSH_PROTOCOL'
  | 'SSH_CONNECTION_LOST'
  | 'SSH_CONFIG';

export class TransportError extends Error {
  readonly code: TransportCode;
  readonly host: string;
  constructor(code: TransportCode, host: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
    this.host = host;
  }
  toProblem(): Problem {
    return problem(this.code, this.message, { host: this.host });
  }
}

export type HostOpKind = 'not-found' | 'exists' | 'permission' | 'failure' | 'unsupported';

export class HostOpError extends Error {
  readonly kind: HostOpKind;
  readonly op: string;
  readonly path: string;
  readonly host: string;
  constructor(kind: HostOpKind, host: string, op: string, path: string, detail: string, options?: { cause?: unknown }) {
    super(`${host}: ${op} ${path}: ${detail}`, options);
    this.name = 'HostOpError';
    this.kind = kind;
    this.op = op;
    this.path = path;
    this.host = host;
  }
}

/** A Problem for any error out of a HostSession (connection or operation). */
export function transportProblem(host: string, err: unknown): Problem {
  if (err instanceof TransportError) return err.toProblem();
  if (err instanceof HostOpError) return problem('HOST_OP_FAILED', err.message, { host, path: err.path });
  const msg = err instanceof Error ? err.message : String(err);
  return problem('HOST_OP_FAILED', `${host}: ${msg}`, { host });
}
