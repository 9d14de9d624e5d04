// Real certificates for the apply tests, made with the openssl CLI in a temp dir: a CA and
// leaves signed by it (ECDSA P-256 or RSA 2048), with SANs and chosen validity.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  cert: Buffer;
  key: Buffer;
  /** The issuing CA certificate (the chain file). */
  chain: Buffer;
}

export interface Ca {
  cert: Buffer;
  key: Buffer;
}

function ossl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function keyArgs(alg: 'ecdsa' | 'rsa'): string[] {
  return alg === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

export function makeCa(name = 'mailtls test CA'): Ca {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-ca-'));
  try {
    ossl(dir, ['req', '-x509', ...keyArgs('ecdsa'), '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return { cert: readFileSync(join(dir, 'ca.pem')), key: readFileSync(join(dir, 'ca.key')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function makeLeaf(ca: Ca, names: string[], opts: { alg?: 'ecdsa' | 'rsa'; days?: number; key?: Buffer } = {}): Pem {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-leaf-'));
  try {
    writeFileSync(join(dir, 'ca.pem'), ca.cert);
    writeFileSync(join(dir, 'ca.key'), ca.key);
    if (opts.key) writeFileSync(join(dir, 'leaf.key'), opts.key);
    const keyPart = opts.key ? ['-key', 'leaf.key'] : [...keyArgs(opts.alg ?? 'ecdsa'), '-nodes', '-keyout', 'leaf.key'];
    ossl(dir, ['req', '-new', ...keyPart, '-out', 'leaf.csr', '-subj', `/CN=${names[0]}`]);
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}\n`);
    ossl(dir, ['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem',
      '-days', String(opts.days ?? 20), '-extfile', 'ext.cnf']);
    return { cert: readFileSync(join(dir, 'leaf.pem')), key: readFileSync(join(dir, 'leaf.key')), chain: ca.cert };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
