// ssh2 and socket errors → one TransportError code with a message that names the host. ssh2
// marks most errors with `level` (client-socket, client-timeout, client-authentication,
// client-dns, protocol); socket errors carry Node's `code` (ECONNREFUSED, ENOTFOUND, …).
import { TransportError, type TransportCode } from '../errors.ts';
import { blobType, fingerprint, type PinnedKey } from './host-keys.ts';

export interface HandshakeFacts {
  host: string;
  /** `address:port` as dialled (or "via jump" text). */
  target: string;
  pins: readonly PinnedKey[];
  /** The key the server offered, if the key exchange got that far. */
  offered?: Buffer;
  /** Our host verifier said no. */
  rejected: boolean;
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNRESET', 'EPIPE']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

function pinnedText(pins: readonly PinnedKey[]): string {
  return pins.length ? pins.map((p) => `${p.type} ${p.fingerprint}`).join(', ') : 'none';
}

/** The error for a key we refused: unknown when nothing is pinned, mismatch otherwise. */
export function hostKeyError(f: HandshakeFacts): TransportError {
  const offered = f.offered ? `${blobType(f.offered) ?? 'unknown-type'} ${fingerprint(f.offered)}` : 'no key';
  if (f.pins.length === 0) {
    return new TransportError(
      'SSH_HOST_KEY_UNKNOWN',
      f.host,
      `${f.host} (${f.target}): host key unknown — offered ${offered}, expected: no key pinned; refused, nothing read or written`,
    );
  }
  return new TransportError(
    'SSH_HOST_KEY_MISMATCH',
    f.host,
    `${f.host} (${f.target}): host key changed — offered ${offered}, expected ${pinnedText(f.pins)}; refused, nothing read or written`,
  );
}

export function classifyConnectError(err: unknown, f: HandshakeFacts): TransportError {
  if (err instanceof TransportError) return err;
  if (f.rejected) return hostKeyError(f);
  const e = err as { message?: string; level?: string; code?: string };
  const msg = e?.message ?? String(err);
  const at = `${f.host} (${f.target})`;
  let code: TransportCode = 'SSH_PROTOCOL';
  let text = `${at}: ${msg}`;
  if (/no matching host key format/.test(msg)) {
    code = 'SSH_HOST_KEY_MISMATCH';
    text = `${at}: the server offers none of the pinned host key types (pinned ${pinnedText(f.pins)}); refused, nothing read or written`;
  } else if (e?.level === 'client-authentication') {
    code = 'SSH_AUTH_FAILED';
    text = `${at}: authentication failed (${msg})`;
  } else if (e?.level === 'client-timeout' || e?.code === 'ETIMEDOUT') {
    code = 'SSH_TIMEOUT';
    text = `${at}: timed out (${msg})`;
  } else if (e?.level === 'client-dns' || (e?.code && DNS.has(e.code))) {
    code = 'SSH_DNS';
    text = `${at}: name does not resolve (${msg})`;
  } else if ((e?.code && REFUSED.has(e.code)) || /Connection refused|Channel open failure/i.test(msg)) {
    code = 'SSH_REFUSED';
    text = `${at}: connection refused or unreachable (${msg})`;
  }
  return new TransportError(code, f.host, text, { cause: err });
}
