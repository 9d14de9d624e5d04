// `mailtls validate --resolved`: the inventory with every default filled in, in the format of
// hosts.yaml, each defaulted value marked with a trailing `# default (…)` comment. Secrets
// appear only as their references.
import { Document, YAMLMap, YAMLSeq, Scalar } from 'yaml';
import type { Node } from 'yaml';
import type { Defaulted, Endpoint, FileSet, Inventory, Service, SshSettings } from './types.ts';
import { formatSecretRef } from './secrets.ts';
import { formatDuration } from './duration.ts';

function note(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (origin === 'default' || origin.startsWith('default ')) return ` ${origin}`;
  if (origin === 'defaults.ssh') return ' from defaults.ssh';
  return ` default (${origin})`;
}

class Builder {
  readonly doc = new Document();
  node(value: unknown, flow = false): Node {
    const n = this.doc.createNode(value) as Node;
    if (n instanceof YAMLSeq || n instanceof YAMLMap) n.flow = flow;
    return n;
  }
  /** Sets key → value on map, marking it when `defaulted` says it was filled in. */
  set(map: YAMLMap, key: string, value: unknown, defaulted?: Defaulted, flow = false): void {
    if (value === undefined) return;
    const v = value instanceof YAMLMap || value instanceof YAMLSeq || value instanceof Scalar ? value : this.node(value, flow);
    const k = new Scalar(key);
    const c = note(defaulted?.[key]);
    if (c) {
      if (v instanceof Scalar || ((v instanceof YAMLSeq || v instanceof YAMLMap) && v.flow)) v.comment = c;
      else k.comment = c;
    }
    map.add(this.doc.createPair(k, v));
  }
  map(): YAMLMap {
    return new YAMLMap();
  }
  commands(cmds: string[][]): YAMLSeq {
    const seq = new YAMLSeq();
    for (const argv of cmds) seq.add(this.node(argv, true));
    if (cmds.length === 0) seq.flow = true;
    return seq;
  }
}

export function renderResolved(inv: Inventory): string {
  const b = new Builder();
  const root = b.map();
  b.set(root, 'version', 1);
  const hosts = b.map();
  for (const h of inv.hosts) {
    const hm = b.map();
    b.set(hm, 'address', h.addresses.length === 1 ? h.addresses[0] : h.addresses, undefined, true);
    b.set(hm, 'ssh', ssh(b, h.ssh));
    const services = b.map();
    for (const s of h.services) b.set(services, s.name, service(b, s));
    b.set(hm, 'services', services);
    b.set(hosts, h.name, hm);
  }
  b.set(root, 'hosts', hosts);
  const certs = b.map();
  for (const c of inv.certificates) {
    const cm = b.map();
    b.set(cm, 'names', c.names, undefined, true);
    const keys = new YAMLSeq();
    for (const k of c.keys) keys.add(b.node({ algorithm: k.algorithm, ...(k.size !== undefined ? { size: k.size } : {}), reuse: k.reuse }, true));
    b.set(cm, 'key', keys, c.defaulted);
    const sources = b.map();
    for (const [alg, s] of Object.entries(c.sources)) {
      const { loc: _loc, ...rest } = s!;
      const plain = rest.type === 'files' ? { ...rest, key: formatSecretRef(rest.key) } : rest;
      b.set(sources, alg, plain);
    }
    b.set(cm, 'source', sources);
    b.set(cm, 'renew_before_days', c.renewBeforeDays, c.defaulted);
    b.set(certs, c.name, cm);
  }
  b.set(root, 'certificates', certs);
  const dns = b.map();
  b.set(dns, 'resolver', inv.dns.resolver);
  const zones = b.map();
  for (const z of inv.dns.zones) {
    const zm = b.map();
    b.set(zm, 'provider', z.provider);
    b.set(zm, 'primary', z.primary);
    b.set(zm, 'authoritative', z.authoritative, z.defaulted, true);
    if (z.tsig) {
      const t = b.map();
      b.set(t, 'name', z.tsig.name);
      b.set(t, 'algorithm', z.tsig.algorithm, z.defaulted?.['tsig.algorithm'] ? { algorithm: 'default' } : undefined);
      b.set(t, 'secret', formatSecretRef(z.tsig.secret));
      b.set(zm, 'tsig', t);
    }
    b.set(zones, z.name, zm);
  }
  b.set(dns, 'zones', zones);
  const tlsa = new YAMLSeq();
  for (const t of inv.dns.tlsa) {
    const tm = b.map();
    b.set(tm, 'name', t.hostname);
    b.set(tm, 'port', t.port);
    b.set(tm, 'scheme', t.scheme, t.defaulted);
    b.set(tm, 'usage', t.usage, t.defaulted);
    b.set(tm, 'selector', t.selector, t.defaulted);
    b.set(tm, 'matching', t.matchingType, t.defaulted);
    b.set(tm, 'hold', formatDuration(t.holdSeconds), t.defaulted);
    b.set(tm, 'served_by', t.servedBy.map((s) => `${s.host}/${s.service}`), t.defaulted, true);
    tm.commentBefore = ` ${t.owner} in zone ${t.zone || '(none)'}`;
    tlsa.add(tm);
  }
  b.set(dns, 'tlsa', tlsa);
  b.set(root, 'dns', dns);
  b.doc.contents = root;
  b.doc.commentBefore = ` Resolved inventory ${inv.path} (sha256 ${inv.sha256.slice(0, 16)}…).\n Values marked "# default" were filled in by mailtls; secrets are shown as references.`;
  return b.doc.toString({ lineWidth: 0 });
}

function ssh(b: Builder, s: SshSettings): YAMLMap {
  const m = b.map();
  b.set(m, 'user', s.user, s.defaulted);
  b.set(m, 'port', s.port, s.defaulted);
  if (s.identity) b.set(m, 'identity', formatSecretRef(s.identity), s.defaulted);
  else m.commentBefore = ' no identity: the SSH agent (SSH_AUTH_SOCK) is used';
  b.set(m, 'host_keys', s.hostKeys, s.knownHosts ? { host_keys: 'known_hosts' } : undefined);
  b.set(m, 'known_hosts', s.knownHosts, s.defaulted);
  b.set(m, 'jump', s.jump, s.defaulted);
  b.set(m, 'sudo', s.sudo, s.defaulted);
  b.set(m, 'connect_timeout', formatDuration(s.connectTimeoutMs / 1000), s.defaulted);
  return m;
}

function service(b: Builder, s: Service): YAMLMap {
  const m = b.map();
  const d = s.defaulted;
  b.set(m, 'mode', s.mode);
  b.set(m, 'certificate', s.certificate);
  b.set(m, 'base_dir', s.baseDir, d);
  const files = b.map();
  for (const [alg, f] of Object.entries(s.files) as [string, FileSet][]) {
    const fm = b.map();
    b.set(fm, 'cert', f.cert);
    b.set(fm, 'key', f.key);
    if (f.chain) b.set(fm, 'chain', f.chain);
    else fm.comment = ' no chain path: the chain is appended to cert';
    b.set(files, alg, fm);
  }
  b.set(m, 'files', files, d);
  b.set(m, 'owner', s.ownership.owner, d);
  b.set(m, 'group', s.ownership.group, d);
  b.set(m, 'cert_mode', s.ownership.certMode, d);
  b.set(m, 'key_mode', s.ownership.keyMode, d);
  b.set(m, 'replace_symlinks', s.replaceSymlinks, d);
  b.set(m, 'validate', b.commands(s.validate), d);
  b.set(m, 'reload', b.commands(s.reload), d);
  const eps = new YAMLSeq();
  for (const e of s.endpoints) eps.add(endpoint(b, e));
  b.set(m, 'endpoints', eps, d);
  return m;
}

function endpoint(b: Builder, e: Endpoint): YAMLMap {
  const m = b.map();
  b.set(m, 'port', e.port);
  b.set(m, 'starttls', e.starttls ?? 'none', e.defaulted);
  b.set(m, 'sni', e.sni, e.defaulted);
  b.set(m, 'dane', e.dane, e.defaulted);
  b.set(m, 'addresses', e.addresses, e.defaulted, true);
  return m;
}
