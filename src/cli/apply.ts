// `mailtls apply [PLANFILE]`: without a file, plan (like `mailtls plan`), show it and ask on a
// TTY (no TTY: only with --auto-approve); with a saved plan, re-gather and refuse with exit 3 when
// anything it observed changed, else apply exactly its changes (a saved plan is the approval).
// The engine (src/apply) first recovers interrupted runs, then deploys host by host; this file
// chooses the progress view and prints the summary last. Exit: 0 ok; 1 error or not approved;
// 3 stale saved plan; 4 a guard blocks; 5 some hosts failed.
import type { Command } from 'commander';
import { ProcessOutput } from 'listr2';
import { loadInventory, parseDuration } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { problem } from '../errors/catalog.ts';
import { formatProblem, type Problem } from '../errors/problem.ts';
import { computePlan, type ComputedPlan } from './run-plan.ts';
import { comparePlanToLive, describeDifferences, planBlocked, readPlanFile, renderText } from '../plan/index.ts';
import type { Plan } from '../plan/index.ts';
import { applyPlan, readUnfinished, recoverInterrupted, withProgress, formatEvent, DEFAULT_JOURNAL_DIR, RESULT_FORMAT_VERSION, type ApplyPlanResult, type RecoveryOutcome } from '../apply/index.ts';
import { SessionCache } from '../state/index.ts';
import { addCommonOptions, appendStepSummary, emitAnnotations, optionsWithEnv, parsePositiveInt, problemLines, splitList, useColor, ENV_OF, type CommonOptions } from './common.ts';
import { EXIT } from './exit-codes.ts';
import { reportPlanProblems } from './plan.ts';
import { addStateDirOption, borrowed, confirm, stateDirOf, stateDirTemplate } from './apply-support.ts';
import { applyMarkdown, applyText, recoveryLines } from './apply-summary.ts';

export interface ApplyCliOptions extends CommonOptions {
  autoApprove: boolean;
  maxFailures?: number;
  allow: string[];
  stateDir: string;
  lockTimeout: string;
  /** -f was given (on the command line or MAILTLS_FILE); else a saved plan names its inventory. */
  fileGiven?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...splitList(v)];
const HOST_ACTIONS = new Set(['deploy', 'fix-perms', 'reload']);

const examples = `
Examples:
  $ mailtls apply                      plan, show it, ask (on a terminal) and apply
  $ mailtls apply --auto-approve       the same without asking (CI, scripts)
  $ mailtls plan --out plan.json && mailtls apply plan.json
                                       apply exactly the reviewed plan (refused if stale)
  $ mailtls apply --host mx1 --format json

Exit status: 0 applied (or nothing to do); 1 error or not approved; 3 the saved plan is
stale; 4 a safety guard refused; 5 some hosts failed (rolled back, failed, skipped).`;

export function register(program: Command): void {
  const cmd = program
    .command('apply')
    .summary('deploy what the plan says: stage, check, swap, reload, verify, roll back on failure')
    .description('Carry out a plan on the hosts: per service group lock, stage the files beside their targets, check, swap atomically, run the daemon check, reload, verify every endpoint on the wire; any failure restores the old files. Interrupted earlier runs are completed or rolled back first.')
    .argument('[PLANFILE]', 'a plan saved by `mailtls plan --out` (apply refuses it when the world changed since)');
  addCommonOptions(cmd, ['text', 'json'])
    .option('--auto-approve', 'do not ask (required without a terminal unless PLANFILE is given)', false)
    .option('--max-failures <N>', 'start no new host once N hosts failed', (v) => parsePositiveInt(v))
    .option('--allow <GUARD>', `let this guard pass (repeatable), as for plan [env ${ENV_OF.allow}]`, collect, [])
    .option('--lock-timeout <DURATION>', 'wait this long for another run\'s host lock (e.g. 30s, 5m)', '0s');
  addStateDirOption(cmd).addHelpText('after', examples);
  cmd.action(async (planFile: string | undefined, raw: ApplyCliOptions) => {
    const opts = optionsWithEnv(cmd, raw);
    const src = cmd.getOptionValueSource('file');
    opts.fileGiven = (src !== undefined && src !== 'default') || !!process.env[ENV_OF.file!];
    opts.stateDir = stateDirTemplate(cmd, opts.stateDir);
    process.exitCode = await run(planFile, opts);
  });
}

/** Prints the refusal (problems on stderr; a small JSON object with --format json). */
function refuse(opts: ApplyCliOptions, code: number, reason: string, problems: Problem[], extra: Record<string, unknown> = {}): number {
  for (const l of problemLines(problems, formatProblem)) console.error(l);
  emitAnnotations(problems);
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify({ format_version: RESULT_FORMAT_VERSION, exit_code: code, refused: reason, problems, ...extra }, null, 2)}\n`);
  }
  return code;
}

export async function run(planFile: string | undefined, opts: ApplyCliOptions): Promise<number> {
  const saved = planFile ? await readPlanFile(planFile) : undefined;
  const lockWait = parseDuration(opts.lockTimeout);
  if (lockWait === undefined) return refuse(opts, EXIT.error, 'usage', [problem('BAD_VALUE', `--lock-timeout ${opts.lockTimeout}: a duration like 30s or 5m`)]);
  const inventory = await loadInventory(saved && !opts.fileGiven ? saved.inventory.path : opts.file);
  const noSelection = !opts.host.length && !opts.exclude.length;
  const allow = [...new Set([...opts.allow, ...(saved?.guards.filter((g) => g.allowed).map((g) => g.guard) ?? [])])];
  const sessions = new SessionCache(inventory);
  let computed: ComputedPlan;
  let early: RecoveryOutcome | undefined;
  try {
    // Repair interrupted runs before planning: the plan must see every host fully old or fully
    // new, and a guard that blocks the plan must not keep a half-done host from being repaired.
    if ((await readUnfinished(DEFAULT_JOURNAL_DIR)).length) {
      console.error(`mailtls: unfinished earlier run(s) in ${DEFAULT_JOURNAL_DIR}: completing or rolling them back before planning`);
      early = await recoverInterrupted({
        inventory,
        openSession: async (h) => borrowed(await sessions.get(h.name)),
        log: { event: (e) => console.error(`› ${formatEvent(e)}`) },
        stateDirFor: (h) => stateDirOf(opts.stateDir, h.name),
      });
    }
    computed = await computePlan(inventory, {
      hosts: opts.host,
      exclude: saved && noSelection ? saved.partial.excluded : opts.exclude,
      parallelism: opts.parallelism,
      allow,
      stateDir: opts.stateDir,
      sessions,
    });
  } catch (err) {
    await sessions.closeAll();
    throw err;
  }
  try {
    const code = await decideAndApply(saved, planFile, inventory, computed, opts, lockWait * 1000, early);
    return early?.blocked.size && code === EXIT.ok ? EXIT.partial : code;
  } finally {
    await computed.closeAll();
  }
}

/** Problems of the recovery before planning (its per-group lines go into the run's summary). */
function reportEarlyRecovery(early: RecoveryOutcome | undefined): void {
  if (early) for (const l of problemLines(early.problems, formatProblem)) console.error(l);
}

async function decideAndApply(saved: Plan | undefined, planFile: string | undefined, inventory: Inventory, computed: ComputedPlan, opts: ApplyCliOptions, lockWaitMs: number, early?: RecoveryOutcome): Promise<number> {
  const text = opts.format !== 'json';
  reportEarlyRecovery(early);
  let plan = computed.plan;
  if (saved) {
    if (planBlocked(saved)) return refuse(opts, EXIT.guard, 'guard', saved.guards.filter((g) => g.blocks).map((g) => g.problem));
    const diffs = comparePlanToLive(saved, computed.plan);
    if (diffs.length) {
      const lines = describeDifferences(diffs);
      const p = problem('PLAN_STALE', `${planFile}: ${lines.length} difference(s) since the plan was made; nothing was applied:\n  ${lines.join('\n  ')}`);
      return refuse(opts, EXIT.stalePlan, 'stale', [p], { differences: diffs });
    }
    plan = saved;
    if (text) console.log(`Saved plan ${planFile} (${saved.plan_hash.slice(0, 12)}, made ${saved.created_at}) still matches the hosts and sources.`);
  } else {
    if (text) process.stdout.write(renderText(plan, { color: useColor(opts) }));
    reportPlanProblems(plan); // warnings too, as `mailtls plan` shows them
    if (planBlocked(plan)) return refuse(opts, EXIT.guard, 'guard', []);
  }
  const errors = plan.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    if (saved) reportPlanProblems(plan);
    console.error('mailtls: the plan has errors; nothing was applied');
    return refuse(opts, EXIT.error, 'plan-errors', []);
  }
  const hostChanges = plan.changes.filter((c) => HOST_ACTIONS.has(c.action) && c.target.host);
  const tlsaChanges = plan.changes.length - hostChanges.length;
  const unfinished = await readUnfinished(DEFAULT_JOURNAL_DIR);
  if (!hostChanges.length && !unfinished.length) {
    if (tlsaChanges) console.error(`mailtls: ${tlsaChanges} TLSA change(s) in the plan are not carried out by apply: use \`mailtls tlsa publish\` / \`mailtls tlsa retire\``);
    if (text) {
      for (const l of recoveryLines(early?.recovered ?? [])) console.log(l);
      console.log('\nNo changes. Nothing to apply.');
    } else process.stdout.write(`${JSON.stringify({ ...emptyResult(plan), recovered: early?.recovered ?? [] }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (!saved && !opts.autoApprove) {
    if (!process.stdin.isTTY) {
      return refuse(opts, EXIT.error, 'not-approved', [problem('APPLY_NOT_CONFIRMED', 'no terminal to ask on: pass --auto-approve, or apply a saved plan (`mailtls plan --out plan.json`, then `mailtls apply plan.json`)')]);
    }
    const ok = await confirm("\nApply these changes? Only 'yes' will be accepted:", text ? process.stdout : process.stderr);
    if (!ok) {
      console.error('Apply cancelled.');
      return EXIT.error;
    }
  }
  if (tlsaChanges) console.error(`mailtls: ${tlsaChanges} TLSA change(s) in the plan are not carried out by apply: use \`mailtls tlsa publish\` / \`mailtls tlsa retire\``);

  if (unfinished.length) console.error(`mailtls: ${unfinished.length} unfinished earlier run(s) in ${DEFAULT_JOURNAL_DIR}: completing or rolling them back first`);
  const ran = await execute(plan, inventory, computed, opts, lockWaitMs);
  // What the recovery before planning did belongs to this run's result too.
  const result = early ? { ...ran, recovered: [...early.recovered, ...ran.recovered], problems: [...early.problems, ...ran.problems] } : ran;
  const problems = [...ran.problems, ...ran.hosts.flatMap((h) => h.problems)]; // early ones were printed already
  for (const l of problemLines(problems.filter((p) => p.severity !== 'info'), formatProblem)) console.error(l);
  emitAnnotations(problems);
  appendStepSummary(applyMarkdown(result));
  if (text) process.stdout.write(`\n${applyText(result)}`);
  else process.stdout.write(`${JSON.stringify({ ...result, plan_hash: plan.plan_hash }, null, 2)}\n`);
  return result.exit_code === 0 ? EXIT.ok : EXIT.partial;
}

/** Runs the engine under the progress view: listr2 on a TTY, host-prefixed lines otherwise (stderr with --format json). */
async function execute(plan: Plan, inventory: Inventory, computed: ComputedPlan, opts: ApplyCliOptions, lockWaitMs: number): Promise<ApplyPlanResult> {
  const hosts = [...new Set(plan.changes.filter((c) => HOST_ACTIONS.has(c.action) && c.target.host).map((c) => c.target.host!))];
  let full: ApplyPlanResult | undefined;
  const json = opts.format === 'json';
  await withProgress(
    hosts,
    async (log) => {
      full = await applyPlan({
        plan,
        desired: computed.desired,
        inventory,
        openSession: async (h) => borrowed(await computed.sessions.get(h.name)),
        log,
        parallelism: opts.parallelism,
        ...(opts.maxFailures ? { maxFailures: opts.maxFailures } : {}),
        ...(lockWaitMs ? { lockWaitMs } : {}),
        stateDirFor: (h) => stateDirOf(opts.stateDir, h.name),
      });
      return full;
    },
    json ? { tty: false, output: new ProcessOutput(process.stderr, process.stderr) } : {},
  );
  return full!;
}

/** `--format json` when there is nothing to do: the RunResult shape with no hosts. */
function emptyResult(plan: Plan): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    format_version: RESULT_FORMAT_VERSION, run_id: null, started_at: now, finished_at: now, exit_code: 0,
    summary: { applied: 0, unchanged: 0, 'rolled-back': 0, 'failed-rollback': 0, failed: 0, skipped: 0 },
    hosts: [], recovered: [], problems: [], plan_hash: plan.plan_hash,
  };
}
