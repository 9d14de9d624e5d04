// `mailtls status` for people: per host, per service the files and what each endpoint serves,
// then DNS, then findings; the verdict is the LAST line. Pure (the CLI decides on colour).
import { formatProblem } from '../errors/problem.ts';
import type { Problem } from '../errors/problem.ts';
import type { CertView, EndpointView, FileView, StatusReport, TlsaView } from './status-report.ts';
import { short } from './findings.ts';

const CODES = { green: 32, yellow: 33, red: 31, bold: 1, dim: 2 } as const;
type Paint = (c: keyof typeof CODES, s: string) => string;

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

function cert(c: CertView): string {
  return `serial ${short(c.serial, 16)} SPKI ${short(c.spki)} until ${c.not_after.slice(0, 10)} (${c.days_left} days)`;
}

function file(role: string, f: FileView, paint: Paint): string {
  if (!f.exists) return `${role.padEnd(5)} ${f.path}  ${paint('red', f.error ? `unusable: ${f.error}` : 'missing')}`;
  const bits = [f.mode ?? '?', f.owner ?? '?'];
  if (f.link_target) bits.push(`-> ${f.link_target}`);
  if (f.leaf) bits.push(cert(f.leaf), f.chain_certs ? `+${plural(f.chain_certs, 'chain cert')}` : 'no chain');
  if (f.key) bits.push(`${f.key.algorithm} key SPKI ${short(f.key.spki)}`);
  if (f.error) bits.push(paint('red', f.error));
  return `${role.padEnd(5)} ${f.path}  ${bits.join('  ')}`;
}

function endpoint(e: EndpointView, paint: Paint): string {
  const at = `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}${e.starttls ? ` starttls=${e.starttls}` : ''}${e.algorithm ? ` ${e.algorithm}` : ''}`;
  if (!e.ok) return `${paint('red', '✗')} ${at}  ${paint('red', `${e.error?.code ?? 'failed'}: ${e.error?.message ?? ''}`)}`;
  const bits = [e.tls_version ?? '', e.served ? cert(e.served) : ''];
  if (e.matches_disk === true) bits.push(paint('green', '= disk'));
  else if (e.matches_disk === false) bits.push(paint('red', '≠ disk (reload missing?)'));
  if (e.tlsa === 'match') bits.push(paint('green', 'TLSA ok'));
  else if (e.tlsa) bits.push(paint('red', `TLSA ${e.tlsa}`));
  const good = e.matches_disk !== false && (e.tlsa === null || e.tlsa === 'match');
  return `${good ? paint('green', '✓') : paint('red', '✗')} ${at}  ${bits.filter(Boolean).join('  ')}`;
}

/** RRSIG expiry and the host name's A/AAAA validation, on one line; undefined when neither was seen. */
function dnssecLine(t: TlsaView, at: string, paint: Paint): string | undefined {
  const bits: string[] = [];
  if (t.rrsig_expires) {
    const days = Math.floor((Date.parse(t.rrsig_expires) - Date.parse(at)) / 86400000);
    const text = `RRSIG until ${t.rrsig_expires.slice(0, 16)}Z (${days} days)`;
    bits.push(days < 0 ? paint('red', text) : days < 3 ? paint('yellow', text) : text);
  }
  const h = t.host_addresses;
  if (h) {
    const addrs = h.addresses.length ? h.addresses.join(', ') : 'no address';
    bits.push(`${h.name} A/AAAA ${addrs} ${h.ad ? paint('green', 'AD') : paint('yellow', 'no AD')}`);
  }
  return bits.length ? `DNSSEC ${bits.join('  ')}` : undefined;
}

export function renderStatusText(r: StatusReport, opts: { color?: boolean } = {}): string {
  const paint: Paint = (c, s) => (opts.color ? `\x1b[${CODES[c]}m${s}\x1b[0m` : s);
  const out: string[] = [];
  out.push(paint('bold', `mailtls status — ${r.inventory.path} (gathered ${r.generated_at})`));
  const { excluded, unreachable } = r.partial;
  if (excluded.length || unreachable.length) {
    const bits = [excluded.length ? `not gathered: ${excluded.join(', ')}` : '', unreachable.length ? `unreachable: ${unreachable.join(', ')}` : ''];
    out.push(paint('red', `Partial view — ${bits.filter(Boolean).join('; ')}`));
  }
  out.push('');
  for (const h of r.hosts) {
    out.push(paint('bold', `${h.host} (${h.addresses.join(', ')})${h.reachable ? '' : paint('red', ' — unreachable, files not read')}`));
    if (h.last_applied) {
      const g = h.last_applied.groups.map((x) => `${x.group} at ${x.applied_at}${x.plan_hash ? ` (plan ${x.plan_hash.slice(0, 12)})` : ''}`);
      out.push(paint('dim', `  last applied by mailtls: ${g.join('; ') || h.last_applied.updated_at}`));
    }
    for (const s of h.services) {
      out.push(`  ${paint('bold', s.service)} (${s.mode}, certificate ${s.certificate})`);
      for (const set of s.files) {
        out.push(`    files ${set.algorithm}${set.key_matches_cert === false ? paint('red', '  key does NOT match cert') : set.key_matches_cert ? '  key matches cert' : ''}${set.chain_in_order === false ? paint('yellow', '  chain out of order') : ''}`);
        const same = set.cert.path === set.key.path;
        out.push(`      ${file(same ? 'both' : 'cert', set.cert, paint)}`);
        if (!same) out.push(`      ${file('key', set.key, paint)}`);
        if (set.chain) out.push(`      ${file('chain', set.chain, paint)}`);
      }
      if (s.endpoints.length) out.push('    endpoints');
      for (const e of s.endpoints) out.push(`      ${endpoint(e, paint)}`);
    }
    out.push('');
  }
  if (r.tlsa.length) {
    out.push(paint('bold', 'DNS (TLSA)'));
    for (const t of r.tlsa) {
      const dnssec = t.dnssec === 'validated' ? paint('green', 'AD') : t.dnssec === 'not-validated' ? paint('red', 'no AD') : paint('yellow', 'resolver: no answer');
      const match = t.served_keys_match === true ? paint('green', 'served keys match') : t.served_keys_match === false ? paint('red', 'served keys do NOT match') : 'no served key seen';
      out.push(`  ${t.owner}  ${dnssec}  ${match}`);
      for (const rec of t.records) out.push(`    TLSA ${rec.replace(/^(\d \d \d )(\w{24})\w+/, '$1$2…')}`);
      if (!t.records.length) out.push(paint('red', '    no TLSA record'));
      const health = dnssecLine(t, r.generated_at, paint);
      if (health) out.push(`    ${health}`);
      for (const a of t.authoritative) {
        const state = a.state === 'current' ? paint('green', 'current') : paint('red', a.state);
        out.push(`    @${a.server}  serial ${a.serial ?? '?'}  ${state}  ${plural(a.records.length, 'record')}${a.detail ? `  (${a.detail})` : ''}`);
      }
    }
    out.push('');
  }
  const problems: Problem[] = [...r.hosts.flatMap((h) => h.problems), ...r.findings] as Problem[];
  if (problems.length) {
    out.push(paint('bold', 'Findings'));
    for (const p of problems) out.push(`  ${formatProblem(p)}`);
    out.push('');
  }
  out.push(statusSummaryLine(r, paint));
  return `${out.join('\n')}\n`;
}

export function statusSummaryLine(r: StatusReport, paint: Paint = (_c, s) => s): string {
  const s = r.summary;
  const parts = [plural(s.hosts, 'host'), plural(s.services, 'service'), plural(s.endpoints, 'endpoint'), plural(s.tlsa_names, 'TLSA name')];
  if (s.consistent) return paint('green', `Status: ${parts.join(', ')} — consistent.`);
  return paint('red', `Status: ${parts.join(', ')} — NOT consistent: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.unreachable ? `, ${s.unreachable} unreachable` : ''}.`);
}
