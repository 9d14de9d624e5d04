// `mailtls show PLANFILE`: renders a saved plan (text, markdown, json). Warns — does not fail —
// when the inventory changed since the plan was made (Terraform's lesson: show is for reading).
import type { Command } from 'commander';
import { Option } from 'commander';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { problem } from '../errors/catalog.ts';
import { formatProblem } from '../errors/problem.ts';
import type { Problem } from '../errors/problem.ts';
import { readPlanFile } from '../plan/index.ts';
import type { Plan } from '../plan/index.ts';
import { optionsWithEnv, emitAnnotations, planExitCode, useColor } from './common.ts';
import { printPlan } from './plan.ts';

interface ShowOptions {
  file?: string;
  format: string;
  detailedExitcode: boolean;
  color: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('show')
    .summary('render a saved plan')
    .description('Render a plan saved with `mailtls plan --out FILE`. Warns when the inventory file changed since (the plan would be refused by apply as stale).')
    .argument('<PLANFILE>', 'a plan saved by `mailtls plan --out`')
    .option('-f, --file <FILE>', 'inventory to compare against (default: the path recorded in the plan)')
    .addOption(new Option('--format <FORMAT>', 'output format [env MAILTLS_FORMAT]').choices(['text', 'markdown', 'json']).default('text'))
    .option('--detailed-exitcode', 'exit like plan: 2 changes, 4 a guard blocks [env MAILTLS_DETAILED_EXITCODE]', false)
    .option('--no-color', 'no colour (also NO_COLOR, or when stdout is not a terminal)');
  cmd.action(async (planFile: string, raw: ShowOptions) => {
    process.exitCode = await run(planFile, optionsWithEnv(cmd, raw));
  });
}

export async function run(planFile: string, opts: ShowOptions): Promise<number> {
  const plan = await readPlanFile(planFile);
  const warning = await inventoryDrift(plan, opts.file ?? plan.inventory.path);
  if (warning) {
    console.error(formatProblem(warning));
    emitAnnotations([warning]);
  }
  printPlan(plan, opts.format, useColor(opts));
  return opts.detailedExitcode ? planExitCode(plan, true) : 0;
}

/** A warning when the inventory's sha256 differs from the plan's (or the file is gone). */
export async function inventoryDrift(plan: Plan, path: string): Promise<Problem | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return problem('PLAN_STALE', `inventory ${path} cannot be read; cannot tell whether the plan is still current`, undefined, 'warning');
  }
  const sha = createHash('sha256').update(text).digest('hex');
  if (sha === plan.inventory.sha256) return undefined;
  return problem('PLAN_STALE', `inventory ${path} changed since the plan was made (sha256 ${sha.slice(0, 12)}… now, ${plan.inventory.sha256.slice(0, 12)}… in the plan): apply would refuse this plan`, undefined, 'warning');
}
