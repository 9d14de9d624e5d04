// `files` source: PEM files on the machine running mailtls (e.g. a CI secret written to disk).
// The key comes through a SecretRef (`env:NAME` holding the PEM, or `file:path`).
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { CertSourceSpec } from '../../inventory/types.ts';
import type { CertSource } from '../types.ts';
import { materialResult, unreadable } from '../material-result.ts';
import { describeSecret, readSecretDefault } from '../secret.ts';

type FilesSpec = Extract<CertSourceSpec, { type: 'files' }>;

export const filesSource: CertSource<FilesSpec> = {
  type: 'files',
  async load(spec, cert, algorithm, ctx) {
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(ctx.baseDir, p));
    let certText: string;
    let chainText: string | undefined;
    let keyText: string;
    try {
      certText = await readFile(abs(spec.cert), 'utf8');
      if (spec.chain) chainText = await readFile(abs(spec.chain), 'utf8');
    } catch (err) {
      return unreadable(cert, algorithm, `${spec.cert}${spec.chain ? ` / ${spec.chain}` : ''}`, err, spec.loc);
    }
    try {
      keyText = ctx.readSecret ? await ctx.readSecret(spec.key) : await readSecretDefault(spec.key, ctx.baseDir);
    } catch (err) {
      return unreadable(cert, algorithm, `key ${describeSecret(spec.key)}`, err, spec.loc);
    }
    const origin = `files ${abs(spec.cert)}${spec.chain ? ` + ${abs(spec.chain)}` : ''}, key ${describeSecret(spec.key)}`;
    return materialResult({ certText, chainText, keyText, origin }, cert, algorithm, spec.loc, ctx.now);
  },
};
