// The npm source host: a certbot-style lineage `live/npm-5/*.pem` → `../../archive/npm-5/*N.pem`,
// renewed like certbot does (new numbered files, then the live links repointed), and the initial
// install of the same bytes on the mail hosts.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { CERT_NAMES, NPM_LINEAGE } from './layout.ts';
import type { Layout } from './layout.ts';
import { issueFromPebble } from './acme.ts';
import type { Issued } from './acme.ts';
import { newEcKeyPem, writeFileMode } from './keys.ts';

const FILES = ['cert', 'chain', 'fullchain', 'privkey'] as const;

export function spkiSha256OfPem(pem: string): string {
  const pub = pem.includes('CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Highest N of archive/npm-5/certN.pem (0 when none). */
export function latestVersion(l: Layout): number {
  if (!existsSync(l.npm.archive)) return 0;
  const ns = readdirSync(l.npm.archive).map((f) => /^cert(\d+)\.pem$/.exec(f)?.[1]).filter(Boolean).map(Number);
  return ns.length ? Math.max(...ns) : 0;
}

function writeVersion(l: Layout, n: number, issued: Issued, keyPem: string): void {
  mkdirSync(l.npm.archive, { recursive: true, mode: 0o700 });
  writeFileMode(join(l.npm.archive, `cert${n}.pem`), issued.cert, 0o644);
  writeFileMode(join(l.npm.archive, `chain${n}.pem`), issued.chain, 0o644);
  writeFileMode(join(l.npm.archive, `fullchain${n}.pem`), issued.fullchain, 0o644);
  writeFileMode(join(l.npm.archive, `privkey${n}.pem`), keyPem, 0o600);
}

/** Points live/npm-5/<f>.pem at archive version n; each link swapped atomically. */
function pointLive(l: Layout, n: number): void {
  mkdirSync(l.npm.live, { recursive: true, mode: 0o700 });
  for (const f of FILES) {
    const link = join(l.npm.live, `${f}.pem`);
    const tmp = `${link}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    symlinkSync(`../../archive/${NPM_LINEAGE}/${f}${n}.pem`, tmp);
    renameSync(tmp, link);
  }
  const readme = join(l.npm.live, 'README');
  if (!existsSync(readme)) {
    writeFileSync(readme, 'This directory contains your keys and certificates.\n\n`privkey.pem`  : the private key for your certificate.\n`fullchain.pem`: the certificate file used in most server software.\n`chain.pem`    : used for OCSP stapling in Nginx >=1.3.7.\n`cert.pem`     : will break many server configurations, and should not be used\n                 without reading further documentation (see link below).\n');
  }
  mkdirSync(join(l.npm.letsencrypt, 'renewal'), { recursive: true });
  writeFileSync(l.npm.renewalConf, `# renew_before_expiry = 30 days\nversion = 2.11.0\narchive_dir = ${l.npm.archive}\n` +
    `cert = ${l.npm.live}/cert.pem\nprivkey = ${l.npm.live}/privkey.pem\nchain = ${l.npm.live}/chain.pem\n` +
    `fullchain = ${l.npm.live}/fullchain.pem\n\n[renewalparams]\nauthenticator = dns-rfc2136\nkey_type = ecdsa\nreuse_key = True\n`);
}

/** Current live material of the source (undefined before the first issuance). */
export function readLive(l: Layout): { fullchain: string; privkey: string } | undefined {
  const fc = join(l.npm.live, 'fullchain.pem');
  const pk = join(l.npm.live, 'privkey.pem');
  if (!existsSync(fc) || !existsSync(pk)) return undefined;
  return { fullchain: readFileSync(fc, 'utf8'), privkey: readFileSync(pk, 'utf8') };
}

export interface RenewResult {
  version: number;
  spkiSha256: string;
  serial: string;
  newKey: boolean;
}

/** Like `certbot renew` on the npm host: version N+1 from pebble, same key unless newKey. */
export async function renewSourceWith(l: Layout, opts: { newKey?: boolean; keyPem?: string } = {}): Promise<RenewResult> {
  const live = readLive(l);
  const keyPem = opts.keyPem ?? (opts.newKey || !live ? newEcKeyPem() : live.privkey);
  const issued = await issueFromPebble(CERT_NAMES, keyPem, l);
  const n = latestVersion(l) + 1;
  writeVersion(l, n, issued, keyPem);
  pointLive(l, n);
  return {
    version: n,
    spkiSha256: spkiSha256OfPem(keyPem),
    serial: new X509Certificate(issued.cert).serialNumber.toLowerCase(),
    newKey: !live || keyPem !== live.privkey,
  };
}

/** The managed certificate files of the mail hosts (cert.pem = leaf + chain, key.pem 0600). */
export function managedFiles(l: Layout): { cert: string; key: string }[] {
  return [
    { cert: l.mx1.postfixCert, key: l.mx1.postfixKey },
    { cert: l.mx1.dovecotCert, key: l.mx1.dovecotKey },
    { cert: l.mx2.postfixCert, key: l.mx2.postfixKey },
  ];
}

/** Puts the source's current bytes on the mail hosts where a file is missing. */
export function installInitial(l: Layout): void {
  const live = readLive(l);
  if (!live) throw new Error(`no certificate at ${l.npm.live}`);
  for (const f of managedFiles(l)) {
    if (existsSync(f.cert) && existsSync(f.key)) continue;
    writeFileMode(f.key, live.privkey, 0o600);
    writeFileMode(f.cert, live.fullchain, 0o644);
    chownSync(f.key, 0, 0);
    chownSync(f.cert, 0, 0);
  }
}

/** Test clean-up: points live/ back at version n and deletes every newer archive version. */
export function restoreSourceWith(l: Layout, n: number): void {
  pointLive(l, n);
  for (const f of readdirSync(l.npm.archive)) {
    const v = /^(?:cert|chain|fullchain|privkey)(\d+)\.pem$/.exec(f)?.[1];
    if (v && Number(v) > n) rmSync(join(l.npm.archive, f), { force: true });
  }
}
