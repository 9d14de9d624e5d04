// Inventories of the lab for the status and plan suites, written from the lab's own description
// (test/lab labEnv), never hard-coded, so tests can also take a changed copy (a wrong host-key
// pin, another identity, extra endpoints and TLSA names). `rootInventory()` is the repository's
// hosts.yaml when it exists, else the generated one.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { labEnv } from '../../lab/env.ts';

export const env = labEnv();

type Starttls = 'smtp' | 'imap' | 'pop3' | 'sieve';
export interface ExtraEndpoint {
  host: 'mx1' | 'mx2';
  service: 'postfix' | 'dovecot';
  port: number;
  starttls?: Starttls;
  sni?: string;
  dane?: boolean;
  addresses?: string[];
}

export interface LabInventoryOptions {
  /** Replace a host's pinned host key line. */
  pin?: Partial<Record<'mx1' | 'mx2' | 'npm', string>>;
  /** Another SSH identity file for every host. */
  identity?: string;
  endpoints?: ExtraEndpoint[];
  /** Extra TLSA expectations (their endpoints must be among `endpoints`). */
  tlsa?: { name: string; port: number }[];
  /** Declare unsigned.test as a zone too. */
  unsignedZone?: boolean;
  /** Mark an existing endpoint DANE with another SNI (replaces the endpoint of that port). */
  replace?: ExtraEndpoint[];
}

/** `type base64` of a lab host from the lab's known_hosts. */
export function hostKeyOf(address: string): string {
  const line = readFileSync(env.ssh.knownHosts, 'utf8').split('\n').find((l) => l.split(' ')[0]?.split(',').includes(address));
  if (!line) throw new Error(`no pinned host key for ${address} in ${env.ssh.knownHosts}`);
  return line.split(' ').slice(1, 3).join(' ');
}

const ns = (a: { address: string; port: number }) => (a.port === 53 ? a.address : `${a.address}:${a.port}`);

export function labInventoryObject(o: LabInventoryOptions = {}): Record<string, unknown> {
  const h = env.hosts;
  const endpoint = (e: { port: number; starttls?: Starttls }, sni: string, dane = false) => ({ port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni, ...(dane ? { dane: true } : {}) });
  const service = (host: 'mx1' | 'mx2', name: 'postfix' | 'dovecot', f: typeof h.mx1.services.postfix, sni: string) => {
    let eps: Record<string, unknown>[] = f.endpoints.map((e) => endpoint(e, sni, name === 'postfix' && e.port === 25));
    for (const r of o.replace ?? []) {
      if (r.host !== host || r.service !== name) continue;
      eps = eps.filter((e) => e.port !== r.port);
      eps.push(extra(r));
    }
    for (const x of o.endpoints ?? []) if (x.host === host && x.service === name) eps.push(extra(x));
    return { mode: name, certificate: env.certificate.name, files: { cert: f.cert, key: f.key }, validate: [f.validate], reload: [f.reload], endpoints: eps };
  };
  const extra = (x: ExtraEndpoint) => ({ port: x.port, ...(x.starttls ? { starttls: x.starttls } : {}), sni: x.sni ?? `${x.host}.${env.dns.zone}`, ...(x.dane ? { dane: true } : {}), ...(x.addresses ? { addresses: x.addresses } : {}) });
  const ssh = (name: 'mx1' | 'mx2' | 'npm', address: string) => ({ host_keys: [o.pin?.[name] ?? hostKeyOf(address)] });
  const zones: Record<string, unknown> = {
    [env.dns.zone]: {
      provider: 'rfc2136',
      primary: ns(env.dns.primary),
      authoritative: [ns(env.dns.primary), ns(env.dns.secondary)],
      tsig: { name: env.dns.tsig.name, algorithm: env.dns.tsig.algorithm, secret: `file:${env.dns.tsig.bindKeyFile}` },
    },
  };
  if (o.unsignedZone) zones[env.dns.unsignedZone] = { provider: 'rfc2136', primary: ns(env.dns.primary), authoritative: [ns(env.dns.primary)] };
  return {
    version: 1,
    defaults: { ssh: { user: env.ssh.user, identity: `file:${o.identity ?? env.ssh.identity}` } },
    hosts: {
      mx1: { address: h.mx1.address, ssh: ssh('mx1', h.mx1.address), services: { postfix: service('mx1', 'postfix', h.mx1.services.postfix, h.mx1.name), dovecot: service('mx1', 'dovecot', h.mx1.services.dovecot, h.mx1.name) } },
      mx2: { address: h.mx2.address, ssh: ssh('mx2', h.mx2.address), services: { postfix: service('mx2', 'postfix', h.mx2.services.postfix, h.mx2.name) } },
      npm: { address: h.npm.address, ssh: ssh('npm', h.npm.address) },
    },
    certificates: {
      [env.certificate.name]: {
        names: env.certificate.names,
        key: { algorithm: 'ecdsa', reuse: true },
        source: { type: 'remote', host: 'npm', dir: h.npm.live },
      },
    },
    dns: {
      resolver: ns(env.dns.resolver),
      zones,
      tlsa: [...env.dns.tlsaNames.map((n) => ({ name: n.replace(/^_25\._tcp\./, ''), port: 25, scheme: 'current+next', hold: '5s' })), ...(o.tlsa ?? [])],
    },
  };
}

/** Writes a lab inventory into a new temp dir and returns its path. */
export function writeLabInventory(o: LabInventoryOptions = {}, dir = mkdtempSync(join(tmpdir(), 'mailtls-inv-'))): string {
  const path = join(dir, 'hosts.yaml');
  writeFileSync(path, `# generated by test/integration/status/lab-inventory.ts\n${stringify(labInventoryObject(o))}`);
  return path;
}

/** The repository's hosts.yaml when it exists (the lab's inventory), else a generated one. */
export function rootInventory(): string {
  const root = resolve('hosts.yaml');
  return existsSync(root) ? root : writeLabInventory();
}
