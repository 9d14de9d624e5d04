// The TSIG secret of a zone, read from its SecretRef (by src/inventory/secrets.ts unless the
// caller brings a reader). The file or variable may hold the bare base64 secret, a knsupdate
// key line (`alg:name:secret`) or a BIND key clause; only the secret is taken. Messages name
// the reference, never its content.
import type { SecretRef, TsigKey } from '../../inventory/types.ts';
import { formatSecretRef } from '../../inventory/secrets.ts';
import { MailtlsError } from '../../errors/catalog.ts';

export interface TsigMaterial {
  algorithm: string;
  name: string;
  secret: string;
}

const ALGORITHMS = ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

/** Extracts the base64 secret; throws an Error whose message never contains the content. */
export function parseTsigSecret(text: string): string {
  const bind = /secret\s+"([^"]+)"\s*;/.exec(text);
  let secret = bind ? bind[1]! : text.trim();
  if (!bind && /^[\w.-]+:[\w.-]+:\S+$/.test(secret)) secret = secret.slice(secret.lastIndexOf(':') + 1);
  secret = secret.replace(/\s+/g, '');
  if (!secret || !/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || secret.length % 4 !== 0) {
    throw new Error('does not hold a base64 TSIG secret (expected the bare secret, `alg:name:secret`, or a BIND key clause)');
  }
  return secret;
}

/** Checks name and algorithm so nothing odd reaches the update script. */
export function checkTsigKey(key: TsigKey): string | undefined {
  const alg = key.algorithm.toLowerCase();
  if (!ALGORITHMS.includes(alg)) return `unsupported TSIG algorithm ${JSON.stringify(key.algorithm)} (use one of ${ALGORITHMS.join(', ')})`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.?$/.test(key.name)) return `TSIG key name ${JSON.stringify(key.name)} is not a plain domain name`;
  return undefined;
}

/** Reads and parses the secret. Throws only errors whose messages are safe to show. */
export async function loadTsig(key: TsigKey, read: (ref: SecretRef) => Promise<string>): Promise<TsigMaterial> {
  let text: string;
  try {
    text = await read(key.secret);
  } catch (e) {
    // The inventory's reader names the reference only; a caller's reader might say more.
    throw new Error(e instanceof MailtlsError ? e.problems.map((p) => p.message).join('; ') : `secret ${formatSecretRef(key.secret)} cannot be read`);
  }
  try {
    return { algorithm: key.algorithm.toLowerCase(), name: key.name, secret: parseTsigSecret(text) };
  } catch (e) {
    throw new Error(`secret ${formatSecretRef(key.secret)} ${(e as Error).message}`);
  }
}
