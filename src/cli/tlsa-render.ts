// Text and JSON for `mailtls tlsa status`, and the zone-file lines publish/retire print.
// Identities only: TLSA data is a public hash; nothing here ever sees key material or TSIG.
import { formatDuration } from '../inventory/index.ts';
import { formatTlsa } from '../pki/index.ts';
import type { NextAction, OwnerView, RecordView } from '../plan/tlsa-view.ts';
import type { OwnerChange } from '../plan/tlsa-changes.ts';

export const TLSA_FORMAT_VERSION = '1.0';

const ROLE: Record<RecordView['role'], string> = {
  served: 'current key (served)',
  desired: 'next key (desired, not served yet)',
  'served+desired': 'current key (served and desired)',
  unknown: 'unknown key (not served, not desired)',
  unmanaged: 'other parameters (not managed)',
};

export function windowText(v: OwnerView): string {
  const ttl = v.maxTtl !== undefined ? `2 × max TTL ${formatDuration(v.maxTtl)}` : 'no TTL seen yet';
  return `W ${formatDuration(v.windowSeconds)} = max(hold ${formatDuration(v.holdSeconds)}, ${ttl})`;
}

export function nextText(a: NextAction): string {
  switch (a.action) {
    case 'publish':
      return `publish ${a.records.length} record(s): run \`mailtls tlsa publish\``;
    case 'wait':
      return a.until ? `wait until ${a.until} (hold time), then plan and apply` : 'wait: the hold time starts when the record is seen on every server';
    case 'deploy':
      return 'deploy may proceed: the next key is published and held long enough (mailtls plan / apply)';
    case 'retire':
      return `retire ${a.records.length} record(s) no endpoint serves: run \`mailtls tlsa retire\``;
    case 'retire-blocked':
      return `${a.records.length} record(s) match no known key, but cannot be retired: ${a.why}`;
    default:
      return 'nothing to do';
  }
}

function recordLines(r: RecordView): string[] {
  const where = r.on.length ? `on ${r.on.join(', ')}${r.missingOn.length ? `; missing on ${r.missingOn.join(', ')}` : ''}` : 'not published';
  const res = r.resolver ? `; resolver ${r.resolver.has ? 'has it' : 'does not have it'}${r.resolver.ad ? ' (AD)' : ' (no AD)'}` : '';
  const hold = r.firstSeen ? `; first seen everywhere ${r.firstSeen}, hold ${r.holdOver ? 'ended' : 'ends'} ${r.holdEnds}` : '';
  return [`  ${r.text}`, `      ${ROLE[r.role]}; ${where}${res}${hold}`];
}

export function renderStatusText(views: OwnerView[]): string {
  const lines: string[] = [];
  for (const v of views) {
    lines.push(`${v.owner}  (zone ${v.zone}, ${v.params}, ${v.scheme}, ${windowText(v)})`);
    const servers = v.servers.map((s) => `${s.server} ${s.error ? `error ${s.error}` : `${s.rcode}${s.serial !== undefined ? ` serial ${s.serial}` : ''}`}`);
    if (v.resolver) servers.push(`resolver ${v.resolver.server} ${v.resolver.error ? `error ${v.resolver.error}` : `${v.resolver.rcode}${v.resolver.ad ? ' AD' : ' no AD'}`}`);
    lines.push(`  servers: ${servers.join(' · ') || 'none'}`);
    if (v.unsupported) lines.push(`  note: ${v.unsupported}`);
    for (const r of v.records) lines.push(...recordLines(r));
    for (const e of v.endpoints) lines.push(`  endpoint ${e.id}: ${e.ok ? `serves key ${e.spki}` : `NOT PROBED (${e.error ?? 'failed'})`}`);
    for (const a of v.next) lines.push(`  next: ${nextText(a)}`);
    lines.push('');
  }
  lines.push(statusSummary(views));
  return `${lines.join('\n')}\n`;
}

export function statusSummary(views: OwnerView[]): string {
  const count = (a: NextAction['action']) => views.filter((v) => v.next.some((n) => n.action === a)).length;
  if (views.every((v) => v.next.every((n) => n.action === 'none'))) return `TLSA: ${views.length} name(s), nothing to do.`;
  const blocked = count('retire-blocked');
  return `TLSA: ${views.length} name(s); ${count('publish')} to publish, ${count('wait')} waiting, ${count('deploy')} ready to deploy, ${count('retire')} to retire${blocked ? `, ${blocked} blocked` : ''}.`;
}

export function statusJson(views: OwnerView[], now: Date): object {
  return {
    format_version: TLSA_FORMAT_VERSION,
    command: 'tlsa status',
    checked_at: now.toISOString(),
    owners: views.map((v) => ({
      owner: v.owner, zone: v.zone, params: v.params, scheme: v.scheme, ...(v.unsupported ? { unsupported: v.unsupported } : {}),
      hold_seconds: v.holdSeconds, max_ttl: v.maxTtl ?? null, window_seconds: v.windowSeconds, ttl: v.ttl,
      servers: v.servers, resolver: v.resolver ?? null,
      records: v.records.map((r) => ({
        record: r.text, key: r.role, on: r.on, missing_on: r.missingOn, everywhere: r.everywhere,
        resolver: r.resolver ?? null, first_seen: r.firstSeen ?? null, hold_ends: r.holdEnds ?? null, hold_over: r.holdOver,
      })),
      served_spkis: v.servedSpkis, desired_spkis: v.desiredSpkis,
      endpoints: v.endpoints, unprobed: v.unprobed,
      next: v.next.map((a) => ({ ...a, ...('records' in a ? { records: a.records.map((r) => `${r.usage} ${r.selector} ${r.matchingType} ${r.data}`) } : {}), text: nextText(a) })),
    })),
    summary: statusSummary(views),
  };
}

/** `+ _25._tcp.mx1.example.org. 3600 IN TLSA 3 1 1 <hex>` per record. */
export function zoneLines(changes: OwnerChange[], sign: '+' | '-'): string[] {
  return changes.flatMap((c) => c.records.map((r) => `${sign} ${formatTlsa(c.owner, c.ttl, r)}`));
}
