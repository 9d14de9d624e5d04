// Checks across the resolved inventory that no single node can make: jump loops, two files
// with one path, two endpoints on one address and port, SNI coverage, unused certificates.
import type { Certificate, Host, Loc } from '../types.ts';
import type { Problem } from '../../errors/problem.ts';
import { problem } from '../../errors/catalog.ts';

/** `referenced`: certificate names any service names, even one dropped for another problem. */
export function crossChecks(hosts: Host[], certificates: Certificate[], referenced: Set<string>, jumpLocs = new Map<string, Loc>()): Problem[] {
  return [...jumps(hosts, jumpLocs), ...paths(hosts), ...ports(hosts), ...coverage(hosts, certificates), ...unused(referenced, certificates)];
}

/** `jumpLocs`: where each host's `jump` is written (the cycle is reported there). */
function jumps(hosts: Host[], jumpLocs: Map<string, Loc>): Problem[] {
  const out: Problem[] = [];
  const byName = new Map(hosts.map((h) => [h.name, h]));
  for (const h of hosts) {
    const jump = h.ssh.jump;
    if (jump === undefined) continue;
    if (!byName.has(jump) || jump === h.name) continue; // reported where ssh is resolved
    // Follow the chain; report a loop once, at the first host (in file order) that is on it.
    const chain = [h.name];
    let cur = byName.get(jump);
    while (cur && !chain.includes(cur.name)) {
      chain.push(cur.name);
      cur = cur.ssh.jump ? byName.get(cur.ssh.jump) : undefined;
    }
    if (cur && cur.name === h.name) {
      const first = hosts.find((x) => chain.includes(x.name));
      if (first === h) out.push(problem('JUMP_CYCLE', `ssh.jump hosts form a loop: ${[...chain, h.name].join(' → ')}`, jumpLocs.get(h.name) ?? h.ssh.loc));
    }
  }
  return out;
}

function paths(hosts: Host[]): Problem[] {
  const out: Problem[] = [];
  for (const h of hosts) {
    const seen = new Map<string, string>();
    for (const s of h.services) {
      for (const [alg, set] of Object.entries(s.files)) {
        for (const kind of ['cert', 'key', 'chain'] as const) {
          const p = set?.[kind];
          if (!p) continue;
          const what = `${s.name} ${Object.keys(s.files).length > 1 ? `${alg} ` : ''}${kind}`;
          const other = seen.get(p);
          if (other) out.push(problem('PATH_CONFLICT', `${p} (${what}) is also written as ${other}; give each file its own path`, s.loc));
          else seen.set(p, what);
        }
      }
    }
  }
  return out;
}

function ports(hosts: Host[]): Problem[] {
  const out: Problem[] = [];
  for (const h of hosts) {
    const seen = new Map<string, string>();
    for (const s of h.services) {
      for (const e of s.endpoints) {
        for (const a of e.addresses) {
          const id = `${a}:${e.port}`;
          const other = seen.get(id);
          if (other) out.push(problem('PORT_CONFLICT', `port ${e.port} on ${a} is declared by ${other} and ${s.name}`, e.loc));
          else seen.set(id, s.name);
        }
      }
    }
  }
  return dedupe(out);
}

/** Whether a certificate name (possibly `*.example.org`) covers a host name. */
export function nameCovers(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (p === n) return true;
  return p.startsWith('*.') && n.endsWith(p.slice(1)) && !n.slice(0, -p.length + 1).includes('.');
}

function coverage(hosts: Host[], certificates: Certificate[]): Problem[] {
  const out: Problem[] = [];
  for (const h of hosts) for (const s of h.services) {
    const cert = certificates.find((c) => c.name === s.certificate);
    if (!cert) continue;
    for (const e of s.endpoints) {
      if (!cert.names.some((n) => nameCovers(n, e.sni))) {
        out.push(problem('SNI_NOT_COVERED', `endpoint ${e.port} sends SNI ${e.sni}, which certificate ${cert.name} does not cover (names: ${cert.names.join(', ')})`, e.loc));
      }
    }
  }
  return dedupe(out);
}

function unused(used: Set<string>, certificates: Certificate[]): Problem[] {
  return certificates.filter((c) => !used.has(c.name)).map((c) => problem('UNUSED_CERTIFICATE', `certificate ${c.name} is not served by any service`, c.loc));
}

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const id = `${p.code}${JSON.stringify(p.where)}${p.message}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}
