// Shared pieces of the renderers: the summary line, the lines of one change, grouping by host.
import type { Change, FileChange, Identity, Plan } from '../types.ts';
import { short, tlsaText } from '../util.ts';

export type Sign = '+' | '~' | '-';

export function signOf(c: Change): Sign {
  if (c.action === 'tlsa-publish') return '+';
  if (c.action === 'tlsa-retire') return '-';
  if (c.action === 'deploy' && c.files?.every((f) => f.differs.includes('missing'))) return '+';
  return '~';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function inventoryName(plan: Plan): string {
  return plan.inventory.path.split('/').pop() || plan.inventory.path;
}

/** The last line of every rendering. */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const parts: string[] = [];
  if (s.deploys) parts.push(plural(s.deploys, 'deploy', 'deploys'));
  if (s.fix_perms) parts.push(plural(s.fix_perms, 'permission fix', 'permission fixes'));
  if (s.reloads) parts.push(plural(s.reloads, 'reload', 'reloads'));
  if (s.tlsa_publish) parts.push(`${plural(s.tlsa_publish, 'TLSA record', 'TLSA records')} to publish`);
  if (s.tlsa_retire) parts.push(`${plural(s.tlsa_retire, 'TLSA record', 'TLSA records')} to retire`);
  const tail: string[] = [];
  const errors = plan.problems.filter((p) => p.severity === 'error').length;
  if (errors) tail.push(plural(errors, 'error', 'errors'));
  if (s.guards_blocking) tail.push(`${plural(s.guards_blocking, 'guard blocks', 'guards block')}`);
  if (s.guards_allowed) tail.push(`${s.guards_allowed} allowed by --allow`);
  const partial = plan.partial.unreachable.length + plan.partial.excluded.length > 0;
  let line: string;
  if (parts.length) line = `Plan: ${parts.join(', ')}`;
  else if (!partial && !tail.length) return `No changes. Live state matches ${inventoryName(plan)}.`;
  else line = partial ? 'No changes on the hosts planned (partial plan)' : errors ? 'No changes planned' : 'No changes';
  return `${line}${tail.length ? `; ${tail.join('; ')}` : ''}.`;
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '-';
}

/** `serial 01 -> 02, SPKI ab12… -> ab12…, notAfter 2026-01-01 -> 2026-04-01` */
export function identityLine(before: Identity, after: Identity): string {
  const bits: string[] = [];
  if (before.serial || after.serial) bits.push(`serial ${before.serial ?? '-'} -> ${after.serial ?? '-'}`);
  if (before.spki || after.spki) bits.push(before.spki === after.spki ? `SPKI ${short(after.spki)}` : `SPKI ${short(before.spki)} -> ${short(after.spki)}`);
  if (before.not_after || after.not_after) bits.push(`notAfter ${day(before.not_after)} -> ${day(after.not_after)}`);
  return bits.join(', ');
}

function fileLine(f: FileChange): string {
  const what: string[] = [];
  if (f.differs.includes('missing')) what.push(`new file sha256 ${short(f.after.sha256)}`);
  if (f.differs.includes('symlink')) what.push(`symlink -> ${f.before.link_target ?? '?'} replaced by a file`);
  if (f.differs.includes('bytes')) what.push(`sha256 ${short(f.before.sha256)} -> ${short(f.after.sha256)}`);
  if (f.differs.includes('mode')) what.push(`mode ${f.before.mode ?? '?'} -> ${f.after.mode ?? '?'}`);
  if (f.differs.includes('owner')) what.push(`owner ${f.before.owner ?? '?'} -> ${f.after.owner ?? '?'}`);
  return `${f.role.padEnd(8)} ${f.path}  ${what.length ? what.join(', ') : 'unchanged'}`;
}

export function changeTitle(c: Change): string {
  const t = c.target;
  switch (c.action) {
    case 'deploy':
    case 'fix-perms':
      return `${t.service} (${t.algorithm}) ${c.action}${c.group ? `  [group ${c.group}]` : ''}`;
    case 'reload':
      return `reload ${(t.services ?? []).join(', ')}`;
    default:
      return `${t.name} ${c.action === 'tlsa-publish' ? 'publish' : 'retire'} (zone ${t.zone})`;
  }
}

/** Body lines of a change (no sign, no indentation): identities, files, records, reasons. */
export function changeBody(c: Change): string[] {
  const out: string[] = [];
  if (c.action === 'deploy' || c.action === 'reload') {
    const id = identityLine(c.before, c.after);
    if (id) out.push(id);
  }
  for (const f of c.files ?? []) if (c.action === 'deploy' || f.differs.length) out.push(fileLine(f));
  for (const r of c.records ?? []) out.push(`${c.action === 'tlsa-retire' ? '-' : '+'} ${c.target.name}. IN TLSA ${tlsaText(r)}`);
  for (const r of c.reasons) out.push(`because ${r}`);
  if (c.depends_on.length) out.push(`after ${c.depends_on.join(', ')}`);
  return out;
}

/** Changes grouped for display: DNS first (as `dns`), then hosts in plan order. */
export function sections(plan: Plan): { title: string; changes: Change[] }[] {
  const map = new Map<string, Change[]>();
  for (const c of plan.changes) {
    const k = c.target.host ?? 'dns';
    map.set(k, [...(map.get(k) ?? []), c]);
  }
  return [...map].map(([title, changes]) => ({ title, changes }));
}

export function headerLines(plan: Plan): string[] {
  const inv = plan.inventory;
  const commit = inv.commit ? `@ ${inv.commit.slice(0, 12)}${inv.dirty ? ' (uncommitted changes)' : ''}` : '(not in git)';
  const out = [`mailtls plan of ${inv.path} ${commit}`];
  const { unreachable, excluded } = plan.partial;
  if (unreachable.length || excluded.length) {
    const bits = [];
    if (unreachable.length) bits.push(`unreachable: ${unreachable.join(', ')}`);
    if (excluded.length) bits.push(`excluded: ${excluded.join(', ')}`);
    out.push(`PARTIAL PLAN: ${bits.join('; ')}. Nothing is planned for these hosts.`);
  }
  return out;
}
