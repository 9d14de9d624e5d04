// Secrets stay references in the inventory (`env:NAME`, `file:path`) and are read only when
// used. Errors name the reference, never the value.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import type { SecretRef } from './types.ts';
import { MailtlsError, problem } from '../errors/catalog.ts';

export function parseSecretRef(text: string): SecretRef | undefined {
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (env) return { kind: 'env', name: env[1]! };
  const file = /^file:(.+)$/.exec(text);
  if (file) return { kind: 'file', path: file[1]! };
  return undefined;
}

/** The reference as the user wrote it: safe to print. */
export function formatSecretRef(ref: SecretRef): string {
  return ref.kind === 'env' ? `env:${ref.name}` : `file:${ref.path}`;
}

/** Absolute path of a `file:` reference: `~/` is the home directory, relative paths start at the inventory's directory. */
export function secretPath(ref: { path: string }, baseDir: string): string {
  if (ref.path === '~' || ref.path.startsWith('~/')) return join(homedir(), ref.path.slice(1));
  return isAbsolute(ref.path) ? ref.path : resolve(baseDir, ref.path);
}

/**
 * Reads a secret at use time. Throws MailtlsError SECRET_UNAVAILABLE (naming the reference,
 * never its value) when the variable is unset/empty or the file cannot be read.
 */
export async function readSecret(ref: SecretRef, baseDir: string): Promise<string> {
  if (ref.kind === 'env') {
    const value = process.env[ref.name];
    if (value === undefined || value === '') {
      throw new MailtlsError([problem('SECRET_UNAVAILABLE', `secret env:${ref.name} is not set (the environment variable ${ref.name} is ${value === undefined ? 'unset' : 'empty'})`)]);
    }
    return value;
  }
  const path = secretPath(ref, baseDir);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read (${code})`;
    throw new MailtlsError([problem('SECRET_UNAVAILABLE', `secret file:${ref.path} ${why}: ${path}`)]);
  }
}
