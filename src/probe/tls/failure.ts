// Probe failures: one precise code per way a probe can fail, mapped from socket and TLS errors.
import type { ProbeResult } from '../../state/types.ts';

export type ProbeErrorCode = NonNullable<ProbeResult['error']>['code'];

export class ProbeFailure extends Error {
  readonly code: ProbeErrorCode;
  constructor(code: ProbeErrorCode, message: string) {
    super(message);
    this.name = 'ProbeFailure';
    this.code = code;
  }
}

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAFNOSUPPORT', 'EINVAL']);

/** Maps an error of the TCP connect phase. */
export function connectFailure(err: unknown, target: string): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (code === 'ECONNREFUSED') return new ProbeFailure('refused', `connection to ${target} refused`);
  if (code === 'ETIMEDOUT') return new ProbeFailure('timeout', `connection to ${target} timed out`);
  if (UNREACHABLE.has(code)) return new ProbeFailure('unreachable', `${target} unreachable (${code})`);
  return new ProbeFailure('unreachable', `cannot connect to ${target}: ${describe(err)}`);
}

// OpenSSL's reading of a plain-text answer ("220 …", "* OK …") as a TLS record.
const PLAINTEXT = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);

/** Maps an error of the TLS handshake. */
export function handshakeFailure(err: unknown): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (PLAINTEXT.has(code)) {
    return new ProbeFailure('protocol', `the server answered in plain text, not TLS (${describe(err)}); is this a STARTTLS port?`);
  }
  if (code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' || code === 'ERR_SSL_UNSUPPORTED_PROTOCOL') {
    return new ProbeFailure('handshake', `no common TLS version: the probe offers TLS 1.2 and 1.3 only, the server refused them (${describe(err)})`);
  }
  return new ProbeFailure('handshake', `TLS handshake failed: ${describe(err)}`);
}

export function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { reason?: string };
  // OpenSSL errors carry a readable `reason` ("tlsv1 alert protocol version"); the message is noise.
  if (e?.reason) return e.code ? `${e.reason} (${e.code})` : e.reason;
  const msg = e?.message ?? String(err);
  return msg.split('\n')[0]!.slice(0, 200);
}
