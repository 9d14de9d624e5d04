// Default secret reader for sources: `env:NAME` reads the variable, `file:path` the local file.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { SecretRef } from '../inventory/types.ts';

export async function readSecretDefault(ref: SecretRef, baseDir: string): Promise<string> {
  if (ref.kind === 'env') {
    const v = process.env[ref.name];
    if (v === undefined) throw new Error(`environment variable ${ref.name} is not set`);
    return v;
  }
  const path = isAbsolute(ref.path) ? ref.path : resolve(baseDir, ref.path);
  return readFile(path, 'utf8');
}

export function describeSecret(ref: SecretRef): string {
  return ref.kind === 'env' ? `env:${ref.name}` : `file:${ref.path}`;
}
