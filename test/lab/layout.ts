// Where everything of the lab lives: fixed loopback addresses and ports, and every path under the
// one state directory. Pure data; nothing here touches the disk.
import { join } from 'node:path';

export const ADDR = {
  mx1: '127.0.10.1',
  mx2: '127.0.10.2',
  npm: '127.0.10.3',
  ns1: '127.0.20.1',
  ns2: '127.0.20.2',
  resolver: '127.0.20.3',
  pebble: '127.0.30.1',
} as const;

export const ZONE = 'lab.test';
export const UNSIGNED_ZONE = 'unsigned.test';
export const TSIG_NAME = 'mailtls-lab-key';
export const TSIG_ALGORITHM = 'hmac-sha256';
export const CERT_NAME = 'mail';
export const CERT_NAMES = ['mx1.lab.test', 'mx2.lab.test'];
export const NPM_LINEAGE = 'npm-5';
export const PEBBLE_ACME_PORT = 14000;
export const PEBBLE_MGMT_PORT = 15000;
export const MAIL_HOSTS = ['mx1', 'mx2'] as const;
export const SSH_HOSTS = ['mx1', 'mx2', 'npm'] as const;
export type SshHost = (typeof SSH_HOSTS)[number];
export type MailHost = (typeof MAIL_HOSTS)[number];

export function labDir(): string {
  return process.env.MAILTLS_LAB_DIR || '/var/lib/mailtls-lab';
}

/** Every path the lab writes, derived from the state directory. */
export function layout(dir = labDir()) {
  const host = (h: string) => {
    const root = join(dir, h);
    return {
      root,
      sshdDir: join(root, 'sshd'),
      sshdConfig: join(root, 'sshd', 'sshd_config'),
      hostKey: join(root, 'sshd', 'ssh_host_ed25519_key'),
      sshdPid: join(root, 'sshd', 'sshd.pid'),
      sshdLog: join(dir, 'logs', `${h}-sshd.log`),
      postfixDir: join(root, 'postfix'),
      postfixCert: join(root, 'postfix', 'cert.pem'),
      postfixKey: join(root, 'postfix', 'key.pem'),
      postfixQueue: join(root, 'postfix-queue'),
      postfixData: join(root, 'postfix-data'),
      postfixPid: join(root, 'postfix-queue', 'pid', 'master.pid'),
      postfixLog: join(dir, 'logs', `${h}-postfix.log`),
      dovecotDir: join(root, 'dovecot'),
      dovecotConfig: join(root, 'dovecot', 'dovecot.conf'),
      dovecotCert: join(root, 'dovecot', 'cert.pem'),
      dovecotKey: join(root, 'dovecot', 'key.pem'),
      dovecotBase: join(root, 'dovecot-run'),
      dovecotState: join(root, 'dovecot-state'),
      dovecotMail: join(root, 'mail'),
      dovecotPid: join(root, 'dovecot-run', 'master.pid'),
      dovecotLog: join(dir, 'logs', `${h}-dovecot.log`),
    };
  };
  const ns = (n: 'ns1' | 'ns2') => ({
    root: join(dir, 'dns', n),
    config: join(dir, 'dns', n, 'knot.conf'),
    zones: join(dir, 'dns', n, 'zones'),
    storage: join(dir, 'dns', n, 'db'),
    run: join(dir, 'dns', n, 'run'),
    socket: join(dir, 'dns', n, 'run', 'knot.sock'),
    pid: join(dir, 'dns', n, 'run', 'knot.pid'),
    log: join(dir, 'logs', `${n}-knot.log`),
  });
  const le = join(dir, 'npm', 'letsencrypt');
  return {
    dir,
    logs: join(dir, 'logs'),
    lock: join(dir, 'lab.lock'),
    ssh: {
      dir: join(dir, 'ssh'),
      identity: join(dir, 'ssh', 'id_ed25519'),
      identityPub: join(dir, 'ssh', 'id_ed25519.pub'),
      knownHosts: join(dir, 'ssh', 'known_hosts'),
      authorizedKeys: join(dir, 'ssh', 'authorized_keys'),
    },
    mx1: host('mx1'),
    mx2: host('mx2'),
    npm: {
      ...host('npm'),
      letsencrypt: le,
      live: join(le, 'live', NPM_LINEAGE),
      archive: join(le, 'archive', NPM_LINEAGE),
      renewalConf: join(le, 'renewal', `${NPM_LINEAGE}.conf`),
    },
    dns: {
      dir: join(dir, 'dns'),
      tsigBind: join(dir, 'dns', 'tsig.key'),
      tsigKnsupdate: join(dir, 'dns', 'tsig.knsupdate'),
      tsigKnot: join(dir, 'dns', 'tsig.knot.conf'),
      ns1: ns('ns1'),
      ns2: ns('ns2'),
      holdMarker: join(dir, 'dns', 'ns2', 'held'),
      unbound: {
        dir: join(dir, 'dns', 'unbound'),
        config: join(dir, 'dns', 'unbound', 'unbound.conf'),
        pid: join(dir, 'dns', 'unbound', 'unbound.pid'),
        log: join(dir, 'logs', 'unbound.log'),
        trustAnchor: join(dir, 'dns', 'unbound', 'lab.test.anchor'),
      },
    },
    pebble: {
      dir: join(dir, 'pebble'),
      config: join(dir, 'pebble', 'pebble.json'),
      caCert: join(dir, 'pebble', 'https-ca.pem'),
      caKey: join(dir, 'pebble', 'https-ca.key'),
      cert: join(dir, 'pebble', 'https.pem'),
      key: join(dir, 'pebble', 'https.key'),
      accountKey: join(dir, 'pebble', 'account.key'),
      issuerRoot: join(dir, 'pebble', 'issuer-root.pem'),
      issuerIntermediate: join(dir, 'pebble', 'issuer-intermediate.pem'),
      pid: join(dir, 'pebble', 'pebble.pid'),
      log: join(dir, 'logs', 'pebble.log'),
    },
  };
}

export type Layout = ReturnType<typeof layout>;

export function pebbleDirectoryUrl(): string {
  return `https://${ADDR.pebble}:${PEBBLE_ACME_PORT}/dir`;
}
