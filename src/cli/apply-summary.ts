// What `mailtls apply` prints when it is done: one block per host (applied / unchanged / rolled
// back with the failed step / FAILED ROLLBACK with backup paths and the unlock hint / failed /
// skipped), what crash recovery did first, and one summary line last. Pure: result in, lines out.
import type { ApplyPlanResult, GroupResult, HostResult, RecoveryReport } from '../apply/index.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function groupLine(g: GroupResult): string {
  const written = g.files.filter((f) => f.action === 'replace').length;
  const attrs = g.files.filter((f) => f.action === 'attrs').length;
  const parts: string[] = [];
  if (written) parts.push(`${plural(written, 'file')} written`);
  if (attrs) parts.push(`${plural(attrs, 'file')} re-moded`);
  if (!written && !attrs) parts.push('no file written');
  parts.push(g.reloaded.length ? `reloaded ${g.reloaded.join(', ')}` : 'no reload');
  if (g.verified.length) {
    const ok = g.verified.filter((v) => v.ok).length;
    parts.push(`${ok}/${g.verified.length} endpoints serve the new certificate`);
  }
  return `${g.group}: ${parts.join('; ')}`;
}

function failureLine(g: GroupResult): string {
  return g.failure ? `failed at ${g.failure.stage}: ${g.failure.code} ${g.failure.message}` : 'failed';
}

export function hostLines(h: HostResult): string[] {
  const out: string[] = [];
  const failedGroup = h.groups.find((g) => g.outcome === h.outcome);
  switch (h.outcome) {
    case 'applied':
    case 'unchanged':
      out.push(`${h.host}: ${h.outcome}`);
      for (const g of h.groups) out.push(`  ${groupLine(g)}`);
      break;
    case 'rolled-back':
      out.push(`${h.host}: ROLLED BACK — the old files are back, the old certificate is served`);
      if (failedGroup) out.push(`  ${failedGroup.group}: ${failureLine(failedGroup)}`);
      break;
    case 'failed-rollback': {
      const g = failedGroup;
      out.push('', `!!! ${h.host}: ROLLBACK FAILED — the host may serve a broken or the new certificate !!!`);
      if (g) {
        out.push(`  ${g.group}: ${failureLine(g)}`);
        if (g.rollbackFailure) {
          out.push(`  then the rollback failed at ${g.rollbackFailure.stage}: ${g.rollbackFailure.code} ${g.rollbackFailure.message}`);
          out.push('  backups of the old files (restore them by hand, then reload):');
          for (const b of g.rollbackFailure.backups) out.push(`    ${b}`);
        }
      }
      out.push(`  The host stays locked. When it is repaired: mailtls unlock ${h.host}`, '');
      break;
    }
    case 'failed':
      out.push(`${h.host}: FAILED — ${failedGroup ? failureLine(failedGroup) : (h.problems.find((p) => p.severity === 'error')?.message ?? 'see the problems above')}`);
      break;
    case 'skipped':
      out.push(`${h.host}: skipped — ${h.problems[0]?.message ?? 'not started'}`);
      break;
  }
  return out;
}

export function recoveryLines(reports: RecoveryReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    for (const g of r.results) {
      out.push(`recovered ${r.host} (interrupted run ${r.run_id}): ${g.group}: ${g.action}${g.ok ? '' : ' FAILED'}${g.message ? ` — ${g.message}` : ''}`);
    }
  }
  return out;
}

/** `Apply complete: 2 hosts applied, 0 rolled back, 0 failed.` (+ unchanged/skipped when any). */
export function applySummaryLine(r: Pick<ApplyPlanResult, 'summary' | 'recovered'>): string {
  const s = r.summary;
  const failed = s.failed + s['failed-rollback'];
  const unrecovered = new Set(r.recovered.filter((x) => x.results.some((g) => !g.ok)).map((x) => x.host)).size;
  const extra = [
    s.unchanged ? `${s.unchanged} unchanged` : '',
    s.skipped ? `${s.skipped} skipped` : '',
    s['failed-rollback'] ? `${s['failed-rollback']} ROLLBACK FAILED` : '',
    unrecovered ? `${plural(unrecovered, 'host')} with an interrupted run NOT recovered` : '',
  ].filter(Boolean);
  return `Apply complete: ${plural(s.applied, 'host')} applied, ${s['rolled-back']} rolled back, ${failed} failed${extra.length ? ` (${extra.join(', ')})` : ''}.`;
}

export function applyText(r: ApplyPlanResult): string {
  const lines = [...recoveryLines(r.recovered)];
  if (lines.length) lines.push('');
  for (const h of r.hosts) lines.push(...hostLines(h));
  lines.push('', applySummaryLine(r));
  return `${lines.join('\n')}\n`;
}

/** The GitHub job summary: a table of hosts and outcomes. */
export function applyMarkdown(r: ApplyPlanResult): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['### mailtls apply', '', `**${applySummaryLine(r)}**`, '', '| host | outcome | details |', '|---|---|---|'];
  for (const h of r.hosts) {
    const details = h.groups.map((g) => (g.outcome === 'applied' || g.outcome === 'unchanged' ? groupLine(g) : `${g.group}: ${failureLine(g)}`)).join('<br>');
    lines.push(`| ${h.host} | ${h.outcome} | ${cell(details || h.problems.map((p) => p.message).join('; '))} |`);
  }
  for (const l of recoveryLines(r.recovered)) lines.push('', `- ${cell(l)}`);
  return `${lines.join('\n')}\n`;
}
