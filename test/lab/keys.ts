// Key material of the lab, each made once and kept: SSH client and host keys, the TSIG key (in
// the three formats Knot, nsupdate and knsupdate want), the HTTPS CA and leaf of pebble.
import { existsSync, mkdirSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { runOk } from './run.ts';
import { ADDR, TSIG_ALGORITHM, TSIG_NAME } from './layout.ts';
import type { Layout } from './layout.ts';

/** Writes a file with its final mode from creation on (a key is never readable by others). */
export function writeFileMode(path: string, data: string | Buffer, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data, { mode });
  chmodSync(path, mode);
}

export async function ensureSshKey(path: string, comment: string): Promise<void> {
  if (existsSync(path) && existsSync(`${path}.pub`)) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { input: 'y\n' });
}

export function ensureTsig(l: Layout): void {
  if (existsSync(l.dns.tsigKnot) && existsSync(l.dns.tsigBind) && existsSync(l.dns.tsigKnsupdate)) return;
  const secret = randomBytes(32).toString('base64');
  writeFileMode(l.dns.tsigKnot, `key:\n  - id: ${TSIG_NAME}\n    algorithm: ${TSIG_ALGORITHM}\n    secret: ${secret}\n`, 0o600);
  writeFileMode(
    l.dns.tsigBind,
    `key "${TSIG_NAME}" {\n\talgorithm ${TSIG_ALGORITHM};\n\tsecret "${secret}";\n};\n`,
    0o600,
  );
  writeFileMode(l.dns.tsigKnsupdate, `${TSIG_ALGORITHM}:${TSIG_NAME}:${secret}\n`, 0o600);
}

/** A fresh ECDSA P-256 private key, PKCS#8 PEM (what certbot writes for EC keys). */
export function newEcKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

/** pebble needs a certificate for its own HTTPS endpoint; Debian ships none. */
export async function ensurePebbleHttpsCert(l: Layout): Promise<void> {
  const p = l.pebble;
  if (existsSync(p.caCert) && existsSync(p.cert) && existsSync(p.key)) return;
  mkdirSync(p.dir, { recursive: true });
  writeFileMode(p.caKey, newEcKeyPem(), 0o600);
  writeFileMode(p.key, newEcKeyPem(), 0o600);
  await runOk(['openssl', 'req', '-x509', '-new', '-key', p.caKey, '-out', p.caCert, '-days', '3650',
    '-subj', '/CN=mailtls lab pebble HTTPS CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const csr = join(p.dir, 'https.csr');
  const ext = join(p.dir, 'https.ext');
  await runOk(['openssl', 'req', '-new', '-key', p.key, '-out', csr, '-subj', '/CN=pebble.lab.test']);
  writeFileSync(ext, `subjectAltName=DNS:localhost,DNS:pebble.lab.test,IP:127.0.0.1,IP:${ADDR.pebble}\n` +
    'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await runOk(['openssl', 'x509', '-req', '-in', csr, '-CA', p.caCert, '-CAkey', p.caKey, '-CAcreateserial',
    '-out', p.cert, '-days', '3650', '-extfile', ext]);
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
