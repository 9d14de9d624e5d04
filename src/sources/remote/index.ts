// `remote` source: read the material over a HostSession from another inventory host, e.g. the
// Let's Encrypt `live/<name>/` directory of a proxy. `live/` holds symlinks into `archive/`:
// every path is resolved with realpath first so we read the real files (rsync without -L
// copied dangling links in the hand-made pipeline).
import { posix } from 'node:path';
import type { CertSourceSpec } from '../../inventory/types.ts';
import type { HostSession } from '../../transport/types.ts';
import type { CertSource } from '../types.ts';
import { materialResult, unreadable } from '../material-result.ts';

type RemoteSpec = Extract<CertSourceSpec, { type: 'remote' }>;

interface Paths {
  cert: string;
  chain?: string;
  key: string;
}

/** Explicit paths win; otherwise `dir/fullchain.pem`, or `dir/cert.pem` + `dir/chain.pem`. */
async function choosePaths(s: HostSession, spec: RemoteSpec): Promise<Paths> {
  const inDir = (p: string) => (spec.dir && !posix.isAbsolute(p) ? posix.join(spec.dir, p) : p);
  const key = inDir(spec.key ?? 'privkey.pem');
  if (spec.cert) return { cert: inDir(spec.cert), chain: spec.chain ? inDir(spec.chain) : undefined, key };
  if (!spec.dir) throw new Error('remote source needs `dir` or `cert`');
  const full = posix.join(spec.dir, 'fullchain.pem');
  if (await s.stat(full)) return { cert: full, key };
  return { cert: posix.join(spec.dir, 'cert.pem'), chain: spec.chain ? inDir(spec.chain) : posix.join(spec.dir, 'chain.pem'), key };
}

async function readReal(s: HostSession, path: string): Promise<{ real: string; text: string }> {
  const real = await s.realpath(path);
  return { real, text: (await s.readFile(real)).toString('utf8') };
}

export const remoteSource: CertSource<RemoteSpec> = {
  type: 'remote',
  async load(spec, cert, algorithm, ctx) {
    let where = `${spec.host}:${spec.dir ?? spec.cert ?? '?'}`;
    try {
      const s = await ctx.session(spec.host);
      const paths = await choosePaths(s, spec);
      where = `${spec.host}:${paths.cert}`;
      const c = await readReal(s, paths.cert);
      const ch = paths.chain ? await readReal(s, paths.chain) : undefined;
      where = `${spec.host}:${paths.key}`;
      const k = await readReal(s, paths.key);
      const origin = `remote ${spec.host}:${c.real}${ch ? ` + ${ch.real}` : ''}, key ${k.real}`;
      return materialResult(
        { certText: c.text, chainText: ch?.text, keyText: k.text, origin },
        cert,
        algorithm,
        spec.loc,
        ctx.now,
      );
    } catch (err) {
      return unreadable(cert, algorithm, where, err, spec.loc);
    }
  },
};
