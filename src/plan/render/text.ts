// Text for people, in Terraform's style: header (partial plans say so first), changes per
// host with `+ ~ -`, guards and problems with hints, and the summary as the LAST line.
// Colour only when asked (the CLI decides from TTY / NO_COLOR).
import { formatProblem } from '../../errors/problem.ts';
import type { Plan } from '../types.ts';
import { changeBody, changeTitle, headerLines, sections, signOf, summaryLine } from './common.ts';

export interface TextOptions {
  color?: boolean;
}

const CODES = { green: 32, yellow: 33, red: 31, bold: 1, dim: 2 } as const;

export function renderText(plan: Plan, opts: TextOptions = {}): string {
  const paint = (c: keyof typeof CODES, s: string) => (opts.color ? `\x1b[${CODES[c]}m${s}\x1b[0m` : s);
  const signColor = { '+': 'green', '~': 'yellow', '-': 'red' } as const;
  const out: string[] = [];
  const [first, ...rest] = headerLines(plan);
  out.push(paint('bold', first ?? ''));
  for (const l of rest) out.push(paint('red', l));
  out.push('');
  for (const sec of sections(plan)) {
    out.push(paint('bold', sec.title === 'dns' ? 'DNS (TLSA)' : sec.title));
    for (const c of sec.changes) {
      const sign = signOf(c);
      out.push(`  ${paint(signColor[sign], sign)} ${changeTitle(c)}`);
      for (const l of changeBody(c)) out.push(`      ${l.startsWith('because') || l.startsWith('after') ? paint('dim', l) : l}`);
    }
    out.push('');
  }
  if (plan.guards.length) {
    out.push(paint('bold', 'Guards'));
    for (const g of plan.guards) {
      const state = g.blocks ? paint('red', 'BLOCKS') : g.allowed ? paint('yellow', 'allowed') : 'warns';
      out.push(`  ${state} ${g.guard}: ${formatProblem(g.problem)}`);
      if (g.problem.hint) out.push(`      hint: ${g.problem.hint}`);
    }
    out.push('');
  }
  if (plan.problems.length) {
    out.push(paint('bold', 'Problems'));
    for (const p of plan.problems) {
      out.push(`  ${formatProblem(p)}`);
      if (p.hint) out.push(`      hint: ${p.hint}`);
    }
    out.push('');
  }
  const last = summaryLine(plan);
  out.push(plan.summary.guards_blocking ? paint('red', last) : paint('bold', last));
  return `${out.join('\n')}\n`;
}
