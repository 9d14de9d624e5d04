// `mailtls status`: what is live, host by host — files on disk, what each endpoint serves,
// whether disk and wire agree, TLSA and DNSSEC — with findings. Reads only.
import type { Command } from 'commander';
import { loadInventory } from '../inventory/index.ts';
import { formatProblem } from '../errors/problem.ts';
import type { Problem } from '../errors/problem.ts';
import { buildStatusReport, renderStatusText, statusSummaryLine } from '../state/index.ts';
import { gatherLive } from './run-plan.ts';
import type { StatusReport } from '../state/index.ts';
import { addCommonOptions, appendStepSummary, optionsWithEnv, emitAnnotations, statusExitCode, useColor, type CommonOptions } from './common.ts';

const examples = `
Examples:
  $ mailtls status                            every host of ./hosts.yaml
  $ mailtls status --host mx1 --format json   one host, for machines (schemas/status.schema.json)
  $ mailtls status --detailed-exitcode        exit 2 when anything is inconsistent

Exit status: 0 consistent (or findings without --detailed-exitcode); 2 with
--detailed-exitcode when a finding (error or warning) exists; 1 when mailtls itself failed
(bad inventory, unknown --host).`;

export function register(program: Command): void {
  const cmd = program
    .command('status')
    .summary('show what is live: files, served certificates, TLSA, findings')
    .description('Gather every host of the inventory (SFTP, TLS probes of every endpoint, TLSA via the validating resolver and each authoritative server) and show whether disk, wire and DNS agree. Changes nothing.');
  addCommonOptions(cmd, ['text', 'json']).addHelpText('after', examples);
  cmd.action(async (raw: CommonOptions) => {
    process.exitCode = await run(optionsWithEnv(cmd, raw));
  });
}

export async function run(opts: CommonOptions): Promise<number> {
  const inventory = await loadInventory(opts.file);
  const now = new Date();
  const g = await gatherLive(inventory, { hosts: opts.host, exclude: opts.exclude, parallelism: opts.parallelism, now });
  let report: StatusReport;
  try {
    report = buildStatusReport(inventory, g.live, { now, excluded: g.selection.excluded });
  } finally {
    await g.closeAll();
  }
  if (opts.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(renderStatusText(report, { color: useColor(opts) }));
  const problems = [...report.hosts.flatMap((h) => h.problems), ...report.findings] as Problem[];
  emitAnnotations(problems);
  appendStepSummary(statusMarkdown(report, problems));
  return statusExitCode(report.summary.consistent, opts.detailedExitcode);
}

function statusMarkdown(r: StatusReport, problems: Problem[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['### mailtls status', '', `**${cell(statusSummaryLine(r))}**`, ''];
  if (problems.length) {
    lines.push('| severity | code | finding |', '|---|---|---|');
    for (const p of problems.slice(0, 500)) lines.push(`| ${p.severity} | \`${p.code}\` | ${cell(formatProblem(p))} |`);
    if (problems.length > 500) lines.push('', `_${problems.length - 500} more findings in the job log._`);
  }
  return `${lines.join('\n')}\n`;
}
