// unbound: the validating resolver. It trusts lab.test's KSK (taken from Knot after signing),
// asks ns1 for lab.test and unsigned.test, and caches briefly so tests see changes quickly.
import { mkdirSync } from 'node:fs';
import { ADDR, UNSIGNED_ZONE, ZONE } from './layout.ts';
import type { Layout } from './layout.ts';
import { writeFileMode } from './keys.ts';

export function writeUnboundConfig(l: Layout, ksk: string): void {
  const u = l.dns.unbound;
  mkdirSync(u.dir, { recursive: true });
  writeFileMode(u.trustAnchor, `${ksk}\n`, 0o644);
  writeFileMode(u.config, `# written by the mailtls lab (test/lab/unbound.ts)
server:
    interface: ${ADDR.resolver}
    port: 53
    outgoing-interface: ${ADDR.resolver}
    do-ip6: no
    do-daemonize: yes
    username: ""
    chroot: ""
    directory: "${u.dir}"
    pidfile: "${u.pid}"
    logfile: "${u.log}"
    use-syslog: no
    verbosity: 1
    log-servfail: yes
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    local-zone: "test." nodefault
    domain-insecure: "${UNSIGNED_ZONE}"
    trust-anchor-file: "${u.trustAnchor}"
    module-config: "validator iterator"
    cache-max-ttl: 2
    cache-max-negative-ttl: 1
    val-bogus-ttl: 1
    key-cache-slabs: 1
    infra-host-ttl: 5
    qname-minimisation: no
    aggressive-nsec: no
    prefetch: no
    num-threads: 1
remote-control:
    control-enable: no
stub-zone:
    name: "${ZONE}"
    stub-addr: ${ADDR.ns1}
stub-zone:
    name: "${UNSIGNED_ZONE}"
    stub-addr: ${ADDR.ns1}
`, 0o644);
}

export function unboundArgv(l: Layout): string[] {
  return ['unbound', '-c', l.dns.unbound.config];
}
