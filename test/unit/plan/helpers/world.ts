// A small hand-built world for plan tests: an inventory (mx1 with Postfix and Dovecot sharing
// one ECDSA certificate, a DANE endpoint on 25), source files on disk, and a Live that matches
// the desired state exactly. Tests then change one fact and look at the plan.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Certificate, Endpoint, Host, Inventory, Service } from '../../../../src/inventory/types.ts';
import type { FileFacts, Live, ProbeResult, TlsaRecord } from '../../../../src/state/types.ts';
import { buildDesired, loadMaterials, makePlan, type Desired, type Plan } from '../../../../src/plan/index.ts';
import type { Issued, Pki } from './certs.ts';

// Certificates are made now by openssl; plan an hour later so they are valid.
export const NOW = new Date(Date.now() + 3_600_000);
const loc = (line: number) => ({ file: 'hosts.yaml', line, column: 3 });
export const OWNER = '_25._tcp.mx1.example.test';

function endpoint(port: number, dane: boolean, starttls?: 'smtp' | 'imap'): Endpoint {
  return { port, starttls, sni: 'mx1.example.test', dane, addresses: ['192.0.2.1'], loc: loc(20 + port % 10) };
}

function service(name: string, files: Service['files'], endpoints: Endpoint[], line: number): Service {
  return {
    name,
    host: 'mx1',
    mode: name,
    certificate: 'mail',
    files,
    ownership: { owner: 'root', group: 'root', certMode: '0644', keyMode: '0600' },
    replaceSymlinks: false,
    validate: [],
    reload: [[name, 'reload']],
    endpoints,
    loc: loc(line),
  };
}

export function inventory(srcDir: string, names = ['mx1.example.test']): Inventory {
  const host: Host = {
    name: 'mx1',
    addresses: ['192.0.2.1'],
    ssh: { port: 22, user: 'root', hostKeys: [], sudo: false, connectTimeoutMs: 5000, loc: loc(3) },
    services: [
      service('postfix', { ecdsa: { cert: '/etc/postfix/cert.pem', key: '/etc/postfix/key.pem' } }, [endpoint(25, true, 'smtp'), endpoint(465, false)], 10),
      service('dovecot', { ecdsa: { cert: '/etc/dovecot/cert.pem', chain: '/etc/dovecot/chain.pem', key: '/etc/dovecot/key.pem' } }, [endpoint(993, false)], 15),
    ],
    loc: loc(2),
  };
  const cert: Certificate = {
    name: 'mail',
    names,
    keys: [{ algorithm: 'ecdsa', reuse: true }],
    sources: { ecdsa: { type: 'files', cert: join(srcDir, 'fullchain.pem'), key: { kind: 'file', path: join(srcDir, 'privkey.pem') }, loc: loc(31) } },
    renewBeforeDays: 21,
    loc: loc(30),
  };
  return {
    path: 'hosts.yaml',
    sha256: 'a'.repeat(64),
    hosts: [host],
    certificates: [cert],
    dns: {
      resolver: '192.0.2.53',
      zones: [{ name: 'example.test', provider: 'rfc2136', primary: '192.0.2.10', authoritative: ['192.0.2.10', '192.0.2.11'], loc: loc(40) }],
      tlsa: [{ owner: OWNER, hostname: 'mx1.example.test', port: 25, zone: 'example.test', scheme: 'current', usage: 3, selector: 1, matchingType: 1, holdSeconds: 0, servedBy: [{ host: 'mx1', service: 'postfix' }], loc: loc(45) }],
    },
  };
}

/** Writes leaf + intermediate and the key where the `files` source of `inventory()` reads them. */
export function writeSource(pki: Pki, leaf: Issued, dir?: string): string {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'mailtls-src-'));
  writeFileSync(join(d, 'fullchain.pem'), leaf.certPem + pki.intermediate.certPem);
  writeFileSync(join(d, 'privkey.pem'), leaf.keyPem);
  return d;
}

export async function desiredFor(inv: Inventory, live?: Live): Promise<Desired> {
  const { materials, problems } = await loadMaterials(inv, { now: NOW, baseDir: '/', session: () => Promise.reject(new Error('no hosts in unit tests')) });
  return buildDesired({ inventory: inv, materials, live, problems });
}

function factsOf(d: Desired, host: string, svc: string) {
  return d.services.find((s) => s.host === host && s.service === svc);
}

/** A Live in which every file, mode, owner, served leaf and TLSA record matches `d`. */
export function matchingLive(d: Desired): Live {
  const rec: TlsaRecord[] = [];
  const services = d.services.map((s) => {
    const files = s.sets.map((set) => {
      const ff = (role: string): FileFacts | undefined => {
        const f = set.files.find((x) => x.role === role);
        if (!f) return undefined;
        return {
          path: f.path,
          exists: true,
          sha256: f.sha256,
          mode: f.mode,
          owner: f.owner,
          group: f.group,
          certs: role === 'key' ? undefined : role === 'chain' ? set.chain : [set.leaf, ...set.chain],
          key: f.secret ? { algorithm: set.algorithm, spki: set.keySpki } : undefined,
        };
      };
      return { algorithm: set.algorithm, cert: (ff('cert') ?? ff('combined')) as FileFacts, key: (ff('key') ?? ff('combined')) as FileFacts, chain: ff('chain'), keyMatchesCert: true, chainInOrder: true };
    });
    const probes: ProbeResult[] = s.endpoints.flatMap((e) =>
      e.addresses.map((address) => ({ host: s.host, service: s.service, address, port: e.port, starttls: e.starttls, sni: e.sni, ok: true, tlsVersion: 'TLSv1.3', chain: [s.sets[0]!.leaf, ...s.sets[0]!.chain] })),
    );
    for (const set of s.sets) if (s.service === 'postfix') rec.push({ usage: 3, selector: 1, matchingType: 1, data: set.keySpki });
    return { host: s.host, service: s.service, files, probes };
  });
  const answer = (server: string, ad: boolean) => ({ server, rcode: 'NOERROR', ad, ttl: 3600, records: rec.map((r) => ({ ...r })), soaSerial: 7 });
  return {
    gatheredAt: NOW.toISOString(),
    hosts: [{ host: 'mx1', reachable: true, services, problems: [] }],
    tlsa: [{ owner: OWNER, resolver: answer('192.0.2.53', true), authoritative: [answer('192.0.2.10', false), answer('192.0.2.11', false)] }],
    problems: [],
  };
}

export function planOf(inv: Inventory, d: Desired, live: Live, allow: string[] = []): Plan {
  return makePlan({ inventory: inv, desired: d, live, allow, now: NOW, git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false } });
}

export { factsOf };
