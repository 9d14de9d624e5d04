// Prints problems the one way every verb does: `FILE:LINE:COL severity CODE message` on
// stderr, plus GitHub Actions annotations (`::error file=…,line=…,col=…::`) when running there.
import type { Problem } from '../errors/problem.ts';
import { appendFileSync } from 'node:fs';
import { formatProblem, isLoc } from '../errors/problem.ts';

/** Annotation values may not contain newlines; `%`, `\r`, `\n` (and `:`/`,` in properties) are escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotation(p: Problem): string {
  const level = p.severity === 'error' ? 'error' : p.severity === 'warning' ? 'warning' : 'notice';
  const w = p.where;
  const props = isLoc(w) ? ` file=${escapeProperty(w.file)},line=${w.line},col=${w.column}` : '';
  return `::${level}${props}::${escapeData(`${p.code} ${p.message}`)}`;
}

export function inGithubActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

export function reportProblems(problems: Problem[], out: (line: string) => void = (l) => console.error(l)): void {
  for (const p of problems) out(formatProblem(p));
  if (inGithubActions()) for (const p of problems) console.log(githubAnnotation(p));
}

export function problemsToJson(problems: Problem[]): object[] {
  return problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message, ...(p.hint ? { hint: p.hint } : {}), ...(p.where ? { where: p.where } : {}) }));
}

/** Markdown for the GitHub job summary: a heading, then a table of problems (or nothing). */
export function problemsMarkdown(title: string, problems: Problem[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`### ${title}`, ''];
  if (problems.length) {
    lines.push('| where | severity | code | message |', '|---|---|---|---|');
    for (const p of problems) {
      const w = p.where;
      const at = isLoc(w) ? `\`${w.file}:${w.line}:${w.column}\`` : '';
      lines.push(`| ${at} | ${p.severity} | \`${p.code}\` | ${cell(p.message)} |`);
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

/** Appends to the job summary when GitHub Actions provides one ($GITHUB_STEP_SUMMARY). */
export function writeStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || !inGithubActions(env)) return;
  try {
    appendFileSync(file, markdown);
  } catch {
    // The summary is a convenience; failing to write it must not change the verdict.
  }
}
