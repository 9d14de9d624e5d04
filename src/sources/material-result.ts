// Shared tail of every source: turn texts into checked material, or a located problem.
import { problem } from '../errors/catalog.ts';
import type { Certificate, KeyAlgorithm, Loc } from '../inventory/types.ts';
import { buildMaterial } from './check.ts';
import type { LoadResult } from './types.ts';

export interface Texts {
  certText: string;
  chainText?: string;
  keyText: string;
  origin: string;
}

export function materialResult(texts: Texts, cert: Certificate, algorithm: KeyAlgorithm, loc: Loc, now: Date): LoadResult {
  let material;
  try {
    material = buildMaterial({ ...texts, certificate: cert.name, algorithm, names: cert.names, now });
  } catch (err) {
    // Messages from buildMaterial and node:crypto name what is wrong, never the bytes.
    const msg = `certificate ${cert.name} (${algorithm}) from ${texts.origin}: ${(err as Error).message}`;
    return { ok: false, problems: [problem('SOURCE_INVALID', msg, loc)] };
  }
  if (material.key.algorithm !== algorithm) {
    const msg = `certificate ${cert.name}: source key is ${material.key.algorithm}, the inventory expects ${algorithm}`;
    return { ok: false, problems: [problem('SOURCE_ALGORITHM', msg, loc)] };
  }
  return { ok: true, material };
}

export function unreadable(cert: Certificate, algorithm: KeyAlgorithm, what: string, err: unknown, loc: Loc): LoadResult {
  const reason = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
  const msg = `certificate ${cert.name} (${algorithm}): cannot read ${what}: ${reason}`;
  return { ok: false, problems: [problem('SOURCE_UNREADABLE', msg, loc)] };
}
