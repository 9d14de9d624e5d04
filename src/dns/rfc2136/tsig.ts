// The TSIG secret of a zone, read from its SecretRef. The referenced file (or variable) may hold
// the bare base64 secret, a knsupdate key line (`alg:name:secret`) or a BIND key clause; only
// the secret is taken. Messages name the reference, never its content.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { SecretRef, TsigKey } from '../../inventory/types.ts';

export interface TsigMaterial {
  algorithm: string;
  name: string;
  secret: string;
}

const ALGORITHMS = ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];

export function describeRef(ref: SecretRef): string {
  return ref.kind === 'env' ? `env:${ref.name}` : `file:${ref.path}`;
}

export async function readSecretLocal(ref: SecretRef, baseDir = process.cwd()): Promise<string> {
  if (ref.kind === 'env') {
    const v = process.env[ref.name];
    if (v === undefined) throw new Error(`environment variable ${ref.name} is not set`);
    return v;
  }
  const path = isAbsolute(ref.path) ? ref.path : resolve(baseDir, ref.path);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

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

export async function loadTsig(key: TsigKey, read: (ref: SecretRef) => Promise<string>): Promise<TsigMaterial> {
  return { algorithm: key.algorithm.toLowerCase(), name: key.name, secret: parseTsigSecret(await read(key.secret)) };
}
