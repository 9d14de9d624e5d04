// Real material for plan tests: the pki tests' openssl CA, plus leaves re-issued on an existing
// key (a same-key renewal) — everything made by the openssl CLI in a temp dir.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePki, type Issued, type Pki } from '../../pki/openssl-fixtures.ts';

export type { Issued, Pki };
export { makePki };

let n = 0;

/** A leaf issued by the test intermediate on the key at `keyPath` (same key → same SPKI). */
export function reissue(pki: Pki, keyPath: string, name: string, sans: string[], days = 60): Issued {
  const base = `re${++n}`;
  const dir = pki.dir;
  writeFileSync(join(dir, `${base}.ext`), `subjectAltName=${sans.map((s) => `DNS:${s}`).join(',')}\nbasicConstraints=CA:FALSE\n`);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-new', '-key', keyPath, '-out', `${base}.csr`, '-subj', `/CN=${name}`]);
  run(['x509', '-req', '-in', `${base}.csr`, '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', `${base}.pem`, '-days', String(days), '-extfile', `${base}.ext`]);
  return { certPem: readFileSync(join(dir, `${base}.pem`), 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath: join(dir, `${base}.pem`), keyPath };
}
