// `mailtls plan`: load → gather → desired → diff → guards → render. Reads only (Invariant 1):
// sessions carry SFTP reads and probes, never a write. Text on stdout with the summary line
// last; problems on stderr; `--out` saves the plan for `apply`.
import type { Command } from 'commander';
import { loadInventory } from '../inventory/index.ts';
import { formatProblem } from '../errors/problem.ts';
import type { Problem } from '../errors/problem.ts';
import { computePlan } from './run-plan.ts';
import { renderJson, renderMarkdown, renderText, writePlanFile, planBlocked, guards as guardRegistry } from '../plan/index.ts';
import type { Plan } from '../plan/index.ts';
import { addCommonOptions, appendStepSummary, optionsWithEnv, emitAnnotations, planExitCode, problemLines, splitList, useColor, ENV_OF, type CommonOptions } from './common.ts';

export interface PlanCliOptions extends CommonOptions {
  out?: string;
  allow: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, ...splitList(v)];

const examples = `
Examples:
  $ mailtls plan                              what apply would do for ./hosts.yaml
  $ mailtls plan --out plan.json              save it for 'mailtls apply plan.json'
  $ mailtls plan --host mx1 --format markdown a partial plan for a pull-request comment
  $ mailtls plan --allow dane-unvalidated     accept one named guard (never dane-gap)

Exit status: 0 nothing to do (or changes, without --detailed-exitcode); 2 changes with
--detailed-exitcode; 4 a safety guard refused; 1 error.`;

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .summary('show what apply would change, and why')
    .description('Compare the desired certificates (from each certificate source) with what every host has on disk and serves, and with the TLSA records in DNS; list deploys, permission fixes, reloads and the TLSA records to publish, checked by the safety guards. Changes nothing.');
  addCommonOptions(cmd, ['text', 'markdown', 'json'])
    .option('--out <FILE>', `save the plan (JSON) for apply [env ${ENV_OF.out}]`)
    .option('--allow <GUARD>', `let this guard pass (repeatable): ${guardNames()} [env ${ENV_OF.allow}]`, collect, [])
    .addHelpText('after', examples);
  cmd.action(async (raw: PlanCliOptions) => {
    process.exitCode = await run(optionsWithEnv(cmd, raw));
  });
}

function guardNames(): string {
  return [...guardRegistry.keys()].join(', ');
}

export async function run(opts: PlanCliOptions): Promise<number> {
  const inventory = await loadInventory(opts.file);
  const computed = await computePlan(inventory, { hosts: opts.host, exclude: opts.exclude, parallelism: opts.parallelism, allow: opts.allow });
  let plan: Plan;
  try {
    plan = computed.plan;
  } finally {
    await computed.closeAll();
  }
  if (opts.out) {
    await writePlanFile(opts.out, plan);
    console.error(`mailtls: plan saved to ${opts.out}${planBlocked(plan) ? ' (blocked: apply will refuse it)' : ''}`);
  }
  printPlan(plan, opts.format, useColor(opts));
  reportPlanProblems(plan);
  appendStepSummary(renderMarkdown(plan));
  return planExitCode(plan, opts.detailedExitcode);
}

export function printPlan(plan: Plan, format: string, color: boolean): void {
  if (format === 'json') process.stdout.write(renderJson(plan));
  else if (format === 'markdown') process.stdout.write(renderMarkdown(plan));
  else process.stdout.write(renderText(plan, { color }));
}

/** Errors and warnings (and blocking guards) on stderr; annotations in GitHub Actions. */
export function reportPlanProblems(plan: Plan): void {
  const all: Problem[] = [...plan.guards.filter((g) => g.blocks).map((g) => g.problem), ...plan.problems.filter((p) => p.severity !== 'info')];
  for (const l of problemLines(all, formatProblem)) console.error(l);
  emitAnnotations(all);
}
