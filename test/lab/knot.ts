// Knot: ns1 is the primary of lab.test (automatic DNSSEC signing, TSIG dynamic updates) and of
// the unsigned zone unsigned.test; ns2 is a secondary of lab.test that can be held back.
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ADDR, TSIG_NAME, UNSIGNED_ZONE, ZONE } from './layout.ts';
import type { Layout } from './layout.ts';
import { run, runOk } from './run.ts';
import { writeFileMode } from './keys.ts';

export const TTL = 10;

function primaryConfig(l: Layout): string {
  const n = l.dns.ns1;
  return `# written by the mailtls lab (test/lab/knot.ts)
server:
    rundir: "${n.run}"
    pidfile: "${n.pid}"
    listen: ${ADDR.ns1}@53
    identity: ""
    version: ""
    nsid: ""
control:
    listen: "${n.socket}"
log:
  - target: "${n.log}"
    any: info
database:
    storage: "${n.storage}"
include: "${l.dns.tsigKnot}"
remote:
  - id: ns2
    address: ${ADDR.ns2}@53
    via: ${ADDR.ns1}
acl:
  - id: tsig_update
    key: ${TSIG_NAME}
    action: update
  - id: tsig_transfer
    key: ${TSIG_NAME}
    action: transfer
  - id: ns2_transfer
    address: [${ADDR.ns2}, 127.0.0.1]
    action: transfer
policy:
  - id: lab
    algorithm: ecdsap256sha256
    ksk-lifetime: 0
    zsk-lifetime: 0
    dnskey-ttl: ${TTL}
    zone-max-ttl: ${TTL}
    propagation-delay: 1
    nsec3: off
template:
  - id: default
    storage: "${n.zones}"
    zonefile-sync: -1
    zonefile-load: difference-no-serial
    journal-content: all
    serial-policy: increment
zone:
  - domain: ${ZONE}
    file: "${ZONE}.zone"
    dnssec-signing: on
    dnssec-policy: lab
    notify: ns2
    acl: [tsig_update, tsig_transfer, ns2_transfer]
  - domain: ${UNSIGNED_ZONE}
    file: "${UNSIGNED_ZONE}.zone"
    acl: [tsig_update, tsig_transfer]
`;
}

function secondaryConfig(l: Layout): string {
  const n = l.dns.ns2;
  return `# written by the mailtls lab (test/lab/knot.ts)
server:
    rundir: "${n.run}"
    pidfile: "${n.pid}"
    listen: ${ADDR.ns2}@53
    identity: ""
    version: ""
    nsid: ""
control:
    listen: "${n.socket}"
log:
  - target: "${n.log}"
    any: info
database:
    storage: "${n.storage}"
remote:
  - id: ns1
    address: ${ADDR.ns1}@53
    via: ${ADDR.ns2}
acl:
  - id: ns1_notify
    address: [${ADDR.ns1}, 127.0.0.1]
    action: notify
template:
  - id: default
    storage: "${n.zones}"
    zonefile-sync: -1
    journal-content: all
zone:
  - domain: ${ZONE}
    master: ns1
    acl: ns1_notify
`;
}

/** The zone files as the lab starts; written once (later changes live in Knot's journal). */
function labZone(tlsa: string): string {
  return `$ORIGIN ${ZONE}.
$TTL ${TTL}
@       SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 60 10 3600 ${TTL}
@       NS  ns1
@       NS  ns2
@       MX  10 mx1
@       MX  20 mx2
ns1     A   ${ADDR.ns1}
ns2     A   ${ADDR.ns2}
mx1     A   ${ADDR.mx1}
mx2     A   ${ADDR.mx2}
npm     A   ${ADDR.npm}
resolver A  ${ADDR.resolver}
pebble  A   ${ADDR.pebble}
_25._tcp.mx1 TLSA 3 1 1 ${tlsa}
_25._tcp.mx2 TLSA 3 1 1 ${tlsa}
`;
}

function unsignedZone(tlsa: string): string {
  return `$ORIGIN ${UNSIGNED_ZONE}.
$TTL ${TTL}
@       SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 60 10 3600 ${TTL}
@       NS  ns1.${ZONE}.
@       MX  10 mx
mx      A   ${ADDR.mx1}
_25._tcp.mx TLSA 3 1 1 ${tlsa}
`;
}

export function writeKnotConfigs(l: Layout, initialTlsa: string): void {
  for (const n of [l.dns.ns1, l.dns.ns2]) {
    for (const d of [n.root, n.zones, n.storage, n.run]) mkdirSync(d, { recursive: true });
  }
  writeFileMode(l.dns.ns1.config, primaryConfig(l), 0o600);
  writeFileMode(l.dns.ns2.config, secondaryConfig(l), 0o600);
  const z1 = join(l.dns.ns1.zones, `${ZONE}.zone`);
  const z2 = join(l.dns.ns1.zones, `${UNSIGNED_ZONE}.zone`);
  if (!existsSync(z1)) writeFileSync(z1, labZone(initialTlsa));
  if (!existsSync(z2)) writeFileSync(z2, unsignedZone(initialTlsa));
}

export function knotdArgv(conf: string): string[] {
  return ['knotd', '-c', conf, '-d'];
}

/** `knotc` against one of the lab's servers. */
export async function knotc(socket: string, args: string[]): Promise<string> {
  return runOk(['knotc', '-s', socket, ...args]);
}

/** The KSK (flags 257) of lab.test as a DNSKEY presentation line, from the primary. */
export async function labKsk(): Promise<string | undefined> {
  const r = await run(['kdig', `@${ADDR.ns1}`, '+norec', '+short', ZONE, 'DNSKEY'], { timeoutMs: 5000 });
  const line = r.stdout.split('\n').find((s) => s.startsWith('257 '));
  return line ? `${ZONE}. ${TTL} IN DNSKEY ${line.trim()}` : undefined;
}

/** Holds ns2 back: it keeps serving what it has and ignores NOTIFY/refresh until released. */
export async function freezeSecondary(l: Layout): Promise<void> {
  await knotc(l.dns.ns2.socket, ['zone-freeze', ZONE]);
  writeFileSync(l.dns.holdMarker, `${new Date().toISOString()}\n`);
}

export async function thawSecondary(l: Layout): Promise<void> {
  await knotc(l.dns.ns2.socket, ['zone-thaw', ZONE]);
  // Thawing runs the postponed events; ask for a refresh too so it converges right away.
  await knotc(l.dns.ns2.socket, ['zone-refresh', ZONE]);
  rmSync(l.dns.holdMarker, { force: true });
}
