// Certificates: names, key policies (one, or one per algorithm) and one source per algorithm.
import { isAbsolute, resolve } from 'node:path';
import type { CertSourceSpec, Certificate, Defaulted, KeyAlgorithm, KeyPolicy } from '../types.ts';
import type { RawCertificate, RawInventory, RawSource } from '../raw.ts';
import type { Path } from '../yaml-source.ts';
import { parseSecretRef } from '../secrets.ts';
import { didYouMean } from '../did-you-mean.ts';
import type { Ctx } from './context.ts';
import { at, checkAbsolute, report } from './context.ts';

export const DEFAULT_KEY: KeyPolicy = { algorithm: 'ecdsa', reuse: true };
export const DEFAULT_RENEW_BEFORE_DAYS = 30;

export function resolveCertificates(ctx: Ctx, raw: RawInventory): Certificate[] {
  return Object.entries(raw.certificates ?? {}).map(([name, c]) => resolveCertificate(ctx, raw, name, c));
}

function resolveCertificate(ctx: Ctx, raw: RawInventory, name: string, c: RawCertificate): Certificate {
  const path: Path = ['certificates', name];
  const defaulted: Defaulted = {};
  let keys: KeyPolicy[];
  if (c.key === undefined) {
    keys = [{ ...DEFAULT_KEY }];
    defaulted.key = 'default';
  } else {
    keys = (Array.isArray(c.key) ? c.key : [c.key]).map((k) => {
      const p: KeyPolicy = { algorithm: k.algorithm, reuse: k.reuse ?? true };
      if (k.size !== undefined) p.size = k.size;
      return p;
    });
  }
  const algs = keys.map((k) => k.algorithm);
  const dup = algs.find((a, i) => algs.indexOf(a) !== i);
  if (dup) report(ctx, 'ALGORITHM_MISMATCH', `certificate ${name} lists the key algorithm ${dup} twice`, [...path, 'key']);

  const sources: Partial<Record<KeyAlgorithm, CertSourceSpec>> = {};
  const srcPath: Path = [...path, 'source'];
  if ('type' in c.source) {
    if (keys.length > 1) {
      report(ctx, 'ALGORITHM_MISMATCH', `certificate ${name} has ${keys.length} keys (${algs.join(', ')}): give one source per algorithm, e.g. source: {${algs.map((a) => `${a}: {...}`).join(', ')}}`, srcPath);
    }
    sources[algs[0]!] = resolveSource(ctx, raw, c.source as RawSource, srcPath);
  } else {
    const bySource = c.source as Partial<Record<KeyAlgorithm, RawSource>>;
    for (const [alg, s] of Object.entries(bySource) as [KeyAlgorithm, RawSource][]) {
      if (!algs.includes(alg)) {
        report(ctx, 'ALGORITHM_MISMATCH', `certificate ${name} has a ${alg} source but no ${alg} key (keys: ${algs.join(', ')})`, [...srcPath, alg]);
        continue;
      }
      sources[alg] = resolveSource(ctx, raw, s, [...srcPath, alg]);
    }
    for (const alg of algs) {
      if (!bySource[alg]) report(ctx, 'ALGORITHM_MISMATCH', `certificate ${name} has a ${alg} key but no ${alg} source`, srcPath);
    }
  }
  const renewBeforeDays = c.renew_before_days ?? DEFAULT_RENEW_BEFORE_DAYS;
  if (c.renew_before_days === undefined) defaulted.renew_before_days = 'default';
  return { name, names: c.names, keys, sources, renewBeforeDays, defaulted, loc: at(ctx, path) };
}

function resolveSource(ctx: Ctx, raw: RawInventory, s: RawSource, path: Path): CertSourceSpec {
  const loc = at(ctx, path);
  const local = (p: string) => (isAbsolute(p) ? p : resolve(ctx.baseDir, p));
  switch (s.type) {
    case 'files': {
      const spec: CertSourceSpec = { type: 'files', cert: local(s.cert!), key: parseSecretRef(s.key!)!, loc };
      if (s.chain) spec.chain = local(s.chain);
      return spec;
    }
    case 'remote': {
      const host = s.host!;
      if (!raw.hosts[host]) report(ctx, 'UNKNOWN_HOST', `source host "${host}" is not declared under hosts${didYouMean(host, Object.keys(raw.hosts))}`, [...path, 'host']);
      if (!s.dir && !(s.cert && s.key)) report(ctx, 'MISSING_KEY', `a remote source needs "dir" (a Let's Encrypt live/ directory), or "cert" and "key"`, path);
      if (s.dir && (s.cert || s.key || s.chain)) report(ctx, 'BAD_VALUE', `a remote source takes either "dir" or "cert"/"key"/"chain", not both`, path);
      const spec: CertSourceSpec = { type: 'remote', host, loc };
      for (const k of ['dir', 'cert', 'key', 'chain'] as const) {
        const v = s[k];
        if (v === undefined) continue;
        checkAbsolute(ctx, v, [...path, k], `remote ${k}`);
        spec[k] = v;
      }
      return spec;
    }
    case 'acme':
      report(ctx, 'ACME_NOT_IMPLEMENTED', `the acme source is reserved; issuance from ${s.directory} is not implemented yet`, [...path, 'type']);
      return { type: 'acme', directory: s.directory!, loc };
  }
}
