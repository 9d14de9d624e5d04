// Markdown for a pull-request comment: a hidden marker (so the CI updates one comment in
// place), a visible summary table, guards, one <details> per host, and always under GitHub's
// 65,536-character limit: hosts that do not fit are named in a note instead.
import { formatProblem } from '../../errors/problem.ts';
import type { Change, Plan } from '../types.ts';
import { changeBody, changeTitle, headerLines, sections, signOf, summaryLine } from './common.ts';

export const PLAN_MARKER = '<!-- mailtls-plan -->';
export const COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Characters to stay under (default a margin below the comment limit). */
  limit?: number;
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function count(changes: Change[], action: string): number {
  return changes.filter((c) => c.action === action).length;
}

function hostBlock(title: string, changes: Change[]): string {
  const lines: string[] = [];
  for (const c of changes) {
    lines.push(`${signOf(c)} ${changeTitle(c)}`);
    for (const l of changeBody(c)) lines.push(`    ${l.replace(/```/g, "'''")}`);
  }
  const recs = (a: string) => changes.filter((c) => c.action === a).reduce((n, c) => n + (c.records?.length ?? 0), 0);
  const what = [
    [count(changes, 'deploy'), 'deploy'],
    [count(changes, 'fix-perms'), 'permission fix'],
    [count(changes, 'reload'), 'reload'],
    [recs('tlsa-publish'), 'TLSA record to publish'],
    [recs('tlsa-retire'), 'TLSA record to retire'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, w]) => `${n} × ${w}`)
    .join(', ');
  return `<details><summary><b>${esc(title)}</b>: ${what}</summary>\n\n\`\`\`diff\n${lines.join('\n')}\n\`\`\`\n\n</details>\n`;
}

export function renderMarkdown(plan: Plan, opts: MarkdownOptions = {}): string {
  const limit = opts.limit ?? COMMENT_LIMIT - 1_000;
  const head: string[] = [PLAN_MARKER, '### mailtls plan', '', `**${esc(summaryLine(plan))}**`, ''];
  const [inv, partial] = headerLines(plan);
  head.push(esc(inv ?? ''), '');
  if (partial) head.push(`> [!WARNING]\n> ${esc(partial)}`, '');
  const secs = sections(plan);
  if (secs.length) {
    head.push('| Target | Deploys | Fix perms | Reloads | TLSA + / - |', '|---|---:|---:|---:|---:|');
    for (const s of secs) {
      const pub = s.changes.filter((c) => c.action === 'tlsa-publish').reduce((n, c) => n + (c.records?.length ?? 0), 0);
      const ret = s.changes.filter((c) => c.action === 'tlsa-retire').reduce((n, c) => n + (c.records?.length ?? 0), 0);
      head.push(`| ${esc(s.title === 'dns' ? 'DNS (TLSA)' : s.title)} | ${count(s.changes, 'deploy')} | ${count(s.changes, 'fix-perms')} | ${count(s.changes, 'reload')} | ${pub} / ${ret} |`);
    }
    head.push('');
  }
  const findings = [
    ...plan.guards.map((g) => `- ${g.blocks ? '⛔ **blocks**' : g.allowed ? '⚠️ allowed' : 'ℹ️'} \`${g.guard}\`: ${esc(formatProblem(g.problem))}`),
    ...plan.problems.map((p) => `- ${p.severity === 'error' ? '❌' : 'ℹ️'} ${esc(formatProblem(p))}`),
  ];
  const foot = `\n<sub>plan ${plan.plan_hash.slice(0, 16)} · format ${plan.format_version}</sub>\n`;
  let body = `${head.join('\n')}\n`;
  // Findings come first (they decide the review); a flood of them is cut too.
  const room = (extra: string) => body.length + extra.length + foot.length + 200 <= limit;
  let cutFindings = 0;
  if (findings.length) body += '**Guards and problems**\n\n';
  for (const f of findings) {
    if (room(`${f}\n`)) body += `${f}\n`;
    else cutFindings++;
  }
  if (cutFindings) body += `- … ${cutFindings} more not shown (comment size limit)\n`;
  body += '\n';
  const left: string[] = [];
  for (const s of secs) {
    const block = hostBlock(s.title === 'dns' ? 'DNS (TLSA)' : s.title, s.changes);
    if (left.length === 0 && room(block)) body += block;
    else left.push(s.title);
  }
  if (left.length) {
    body += `\n> **Cut to fit a comment:** ${left.length} more section(s) not shown (${esc(left.slice(0, 20).join(', '))}${left.length > 20 ? ', …' : ''}). The full plan is in the job summary or \`mailtls show plan.json\`.\n`;
  }
  return body + foot;
}
