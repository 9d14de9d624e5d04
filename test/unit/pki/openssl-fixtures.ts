// Real certificates and keys for tests, made by the openssl CLI in a temp dir (argv only, no shell).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeySpec = 'ec' | 'rsa' | 'ed25519';

export interface Issued {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

export interface Pki {
  dir: string;
  root: Issued;
  intermediate: Issued;
  /** Leaf issued by the intermediate. */
  issue(name: string, key: KeySpec, sans: string[], opts?: { days?: number; keyFormat?: 'pkcs8' | 'traditional' }): Issued;
  selfSigned(name: string, key: KeySpec, sans: string[], days?: number): Issued;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKeyArgs(key: KeySpec): string[] {
  if (key === 'ec') return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  if (key === 'rsa') return ['-newkey', 'rsa:2048'];
  return ['-newkey', 'ed25519'];
}

function read(dir: string, base: string): Issued {
  const certPath = join(dir, `${base}.pem`);
  const keyPath = join(dir, `${base}.key`);
  return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8'), certPath, keyPath };
}

let counter = 0;

/** Root (EC) → intermediate (RSA) → leaves. */
export function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-pki-'));
  const ca = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];
  writeFileSync(join(dir, 'ca.ext'), ca.join('\n') + '\n');
  openssl(['req', '-x509', ...newKeyArgs('ec'), '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=mailtls Test Root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...newKeyArgs('rsa'), '-nodes', '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=mailtls Test Intermediate'], dir);
  openssl(['x509', '-req', '-in', 'int.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-out', 'int.pem', '-days', '30', '-extfile', 'ca.ext'], dir);

  const leafExt = (base: string, sans: string[]) => {
    const san = sans.map((s) => (/^[0-9.]+$|:/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',');
    writeFileSync(join(dir, `${base}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  };
  return {
    dir,
    root: read(dir, 'root'),
    intermediate: read(dir, 'int'),
    issue(name, key, sans, opts = {}) {
      const base = `leaf${++counter}`;
      leafExt(base, sans);
      openssl(['req', ...newKeyArgs(key), '-nodes', '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`], dir);
      openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', 'int.pem', '-CAkey', 'int.key', '-CAcreateserial', '-out', `${base}.pem`, '-days', String(opts.days ?? 30), '-extfile', `${base}.ext`], dir);
      if (opts.keyFormat === 'traditional') {
        // PKCS#1 "RSA PRIVATE KEY" / SEC1 "EC PRIVATE KEY"
        const sub = key === 'rsa' ? 'rsa' : 'ec';
        openssl([sub, '-in', `${base}.key`, '-out', `${base}.trad`, ...(key === 'rsa' ? ['-traditional'] : [])], dir);
        renameSync(join(dir, `${base}.trad`), join(dir, `${base}.key`));
      }
      return read(dir, base);
    },
    selfSigned(name, key, sans, days = 30) {
      const base = `self${++counter}`;
      leafExt(base, sans);
      openssl(['req', '-x509', ...newKeyArgs(key), '-nodes', '-keyout', `${base}.key`, '-out', `${base}.pem`, '-subj', `/CN=${name}`, '-days', String(days), '-extensions', 'v3', '-config', writeConf(dir, base, sans)], dir);
      return read(dir, base);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function writeConf(dir: string, base: string, sans: string[]): string {
  const san = sans.map((s) => (/^[0-9.]+$|:/.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',');
  const path = join(dir, `${base}.cnf`);
  writeFileSync(path, `[req]\ndistinguished_name=dn\n[dn]\n[v3]\nsubjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  return path;
}

/** What `openssl` itself says the `3 1 1` data is (the reference the tests compare with). */
export function opensslSpkiSha256(certPath: string): string {
  const pub = execFileSync('openssl', ['x509', '-in', certPath, '-noout', '-pubkey']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: pub });
  return execFileSync('openssl', ['dgst', '-sha256', '-r'], { input: der }).toString().split(' ')[0]!;
}
