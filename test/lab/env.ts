// Everything tests and the root hosts.yaml need to know about the lab, as one typed object.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDR, CERT_NAME, CERT_NAMES, NPM_LINEAGE, PEBBLE_ACME_PORT, PEBBLE_MGMT_PORT, TSIG_ALGORITHM, TSIG_NAME,
  UNSIGNED_ZONE, ZONE, layout, pebbleDirectoryUrl,
} from './layout.ts';
import { spkiSha256OfPem } from './source.ts';

export interface ServiceFiles {
  /** Leaf + chain (Postfix and Dovecot both read the chain from the certificate file). */
  cert: string;
  key: string;
  validate: string[];
  reload: string[];
  endpoints: { name: string; port: number; starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve' }[];
}

export function labEnv(dir?: string) {
  const l = layout(dir);
  const initialCert = join(l.npm.archive, 'cert1.pem');
  const postfix = (h: 'mx1' | 'mx2'): ServiceFiles => ({
    cert: l[h].postfixCert,
    key: l[h].postfixKey,
    validate: ['postfix', '-c', l[h].postfixDir, 'check'],
    reload: ['postfix', '-c', l[h].postfixDir, 'reload'],
    endpoints: [
      { name: 'smtp', port: 25, starttls: 'smtp' },
      { name: 'submission', port: 587, starttls: 'smtp' },
      { name: 'submissions', port: 465 },
    ],
  });
  const dovecot: ServiceFiles = {
    cert: l.mx1.dovecotCert,
    key: l.mx1.dovecotKey,
    validate: ['doveconf', '-c', l.mx1.dovecotConfig, '-n'],
    reload: ['doveadm', '-c', l.mx1.dovecotConfig, 'reload'],
    endpoints: [
      { name: 'imap', port: 143, starttls: 'imap' },
      { name: 'imaps', port: 993 },
      { name: 'pop3', port: 110, starttls: 'pop3' },
      { name: 'pop3s', port: 995 },
      { name: 'managesieve', port: 4190, starttls: 'sieve' },
    ],
  };
  const hostKey = (h: 'mx1' | 'mx2' | 'npm') => {
    const pub = `${l[h].hostKey}.pub`;
    return existsSync(pub) ? readFileSync(pub, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ') : undefined;
  };
  const host = (h: 'mx1' | 'mx2' | 'npm') => ({
    name: `${h}.${ZONE}`, address: ADDR[h], sshPort: 22, root: l[h].root,
    /** The pinned host key line (`ssh-ed25519 AAAA…`) as ssh-keyscan prints it without the host. */
    hostKey: hostKey(h),
  });
  return {
    dir: l.dir,
    ssh: { user: 'root', identity: l.ssh.identity, knownHosts: l.ssh.knownHosts },
    hosts: {
      mx1: { ...host('mx1'), services: { postfix: postfix('mx1'), dovecot } },
      mx2: { ...host('mx2'), services: { postfix: postfix('mx2') } },
      npm: { ...host('npm'), live: l.npm.live, archive: l.npm.archive, letsencrypt: l.npm.letsencrypt },
    },
    certificate: {
      name: CERT_NAME,
      names: [...CERT_NAMES],
      lineage: NPM_LINEAGE,
      initialSpkiSha256: existsSync(initialCert) ? spkiSha256OfPem(readFileSync(initialCert, 'utf8')) : undefined,
    },
    dns: {
      zone: ZONE,
      unsignedZone: UNSIGNED_ZONE,
      primary: { name: `ns1.${ZONE}`, address: ADDR.ns1, port: 53 },
      secondary: { name: `ns2.${ZONE}`, address: ADDR.ns2, port: 53 },
      authoritative: [ADDR.ns1, ADDR.ns2],
      resolver: { address: ADDR.resolver, port: 53 },
      tsig: { name: TSIG_NAME, algorithm: TSIG_ALGORITHM, bindKeyFile: l.dns.tsigBind, knsupdateKeyFile: l.dns.tsigKnsupdate },
      trustAnchorFile: l.dns.unbound.trustAnchor,
      tlsaNames: [`_25._tcp.mx1.${ZONE}`, `_25._tcp.mx2.${ZONE}`],
    },
    pebble: {
      directoryUrl: pebbleDirectoryUrl(),
      managementUrl: `https://${ADDR.pebble}:${PEBBLE_MGMT_PORT}`,
      address: ADDR.pebble,
      port: PEBBLE_ACME_PORT,
      /** CA of pebble's own HTTPS endpoint (trust it for the directory URL). */
      caCertFile: l.pebble.caCert,
      /** pebble's current issuing root and intermediate (new on every pebble start). */
      issuerRootFile: l.pebble.issuerRoot,
      issuerIntermediateFile: l.pebble.issuerIntermediate,
      accountKeyFile: l.pebble.accountKey,
    },
    logs: l.logs,
  };
}

export type LabEnv = ReturnType<typeof labEnv>;

/** `KEY=value` lines for `eval "$(npm run -s lab -- env --format shell)"`. */
export function envShell(e: LabEnv): string {
  const vars: Record<string, string> = {
    MAILTLS_LAB_DIR: e.dir,
    LAB_SSH_IDENTITY: e.ssh.identity,
    LAB_SSH_KNOWN_HOSTS: e.ssh.knownHosts,
    LAB_MX1: e.hosts.mx1.address,
    LAB_MX2: e.hosts.mx2.address,
    LAB_NPM: e.hosts.npm.address,
    LAB_NPM_LIVE: e.hosts.npm.live,
    LAB_NS1: e.dns.primary.address,
    LAB_NS2: e.dns.secondary.address,
    LAB_RESOLVER: e.dns.resolver.address,
    LAB_ZONE: e.dns.zone,
    LAB_TSIG_NAME: e.dns.tsig.name,
    LAB_TSIG_ALGORITHM: e.dns.tsig.algorithm,
    LAB_TSIG_KEY_FILE: e.dns.tsig.bindKeyFile,
    LAB_TSIG_KNSUPDATE_FILE: e.dns.tsig.knsupdateKeyFile,
    LAB_PEBBLE_DIRECTORY: e.pebble.directoryUrl,
    LAB_PEBBLE_CA: e.pebble.caCertFile,
    LAB_INITIAL_SPKI_SHA256: e.certificate.initialSpkiSha256 ?? '',
  };
  return Object.entries(vars).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`).join('\n') + '\n';
}
