// Pinned SSH host keys: parsing `ssh-keyscan` lines into raw key blobs, OpenSSH-style
// fingerprints, and the host-key algorithms to offer so the server can only pick a pinned type.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

// ssh2 is CommonJS; Node's ESM loader does not see its named exports.
const { utils } = ssh2;

export interface PinnedKey {
  /** Key type as written in the blob: `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  type: string;
  /** The raw public key blob (what the server sends during key exchange). */
  blob: Buffer;
  /** `SHA256:` + unpadded base64, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/** Host-key signature algorithms ssh2 may negotiate for each pinned key type. */
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  // An RSA key is pinned as `ssh-rsa`; it signs with SHA-2 (RFC 8332). SHA-1 signatures are not offered.
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256'],
};

export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The type name a key blob starts with (an SSH string: uint32 length, then bytes). */
export function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/**
 * Parses one pinned line: `type base64 [comment]` (as `ssh-keyscan` prints it without the host
 * field). Throws with a message saying what is wrong; never returns a half-valid key.
 */
export function parsePinnedKey(line: string): PinnedKey {
  const fields = line.trim().split(/\s+/);
  const [type, b64] = fields;
  if (!type || !b64) throw new Error(`pinned host key "${line.trim()}" is not "type base64"`);
  if (!ALGORITHMS_FOR_TYPE[type]) {
    throw new Error(`pinned host key type ${type} is not supported (use one of ${Object.keys(ALGORITHMS_FOR_TYPE).join(', ')})`);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new Error(`pinned ${type} key is not base64`);
  const blob = Buffer.from(b64, 'base64');
  const inner = blobType(blob);
  if (inner !== type) throw new Error(`pinned key says ${type} but its blob holds ${inner ?? 'no valid type'}`);
  // ssh2's own parser checks the rest of the structure (curve points, RSA fields).
  const parsed = utils.parseKey(`${type} ${b64}`);
  if (parsed instanceof Error) throw new Error(`pinned ${type} key is malformed: ${parsed.message}`);
  return { type, blob, fingerprint: fingerprint(blob) };
}

/** The `serverHostKey` algorithm list for a set of pins, strongest first. */
export function hostKeyAlgorithms(pins: readonly PinnedKey[]): string[] {
  const order = Object.keys(ALGORITHMS_FOR_TYPE);
  const types = [...new Set(pins.map((p) => p.type))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return types.flatMap((t) => ALGORITHMS_FOR_TYPE[t] ?? []);
}

/** Every host-key algorithm we can verify, used only to learn an unpinned host's key for the error. */
export const ALL_HOST_KEY_ALGORITHMS: string[] = Object.values(ALGORITHMS_FOR_TYPE).flat();

/** True when the offered blob equals one of the pins (constant-size compare of public data). */
export function matchesPin(offered: Buffer, pins: readonly PinnedKey[]): boolean {
  return pins.some((p) => p.blob.equals(offered));
}
