// Changing lab files for a moment and putting them back exactly: a snapshot of bytes and modes,
// and a throwaway self-signed pair to put in place of the lab's certificate.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed ECDSA pair for `name`, made by openssl in a temp dir. */
export function selfSigned(name: string): { cert: Buffer; key: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-ss-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=DNS:${name}`, '-days', '30', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  return { cert: readFileSync(join(dir, 'c.pem')), key: readFileSync(join(dir, 'k.pem')) };
}

/** Saves bytes and modes of files; `restore()` puts them back exactly (same inode, no reload). */
export function snapshot(paths: string[]): { restore(): void; intact(): boolean } {
  const saved = paths.map((p) => ({ p, bytes: readFileSync(p), mode: statSync(p).mode & 0o7777 }));
  return {
    intact: () => saved.every((s) => readFileSync(s.p).equals(s.bytes) && (statSync(s.p).mode & 0o7777) === s.mode),
    restore() {
      for (const s of saved) {
        writeFileSync(s.p, s.bytes);
        chmodSync(s.p, s.mode);
      }
    },
  };
}

