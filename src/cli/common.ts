// Plumbing every gathering verb shares (status, plan, apply, drift…): the inventory and host
// selection options, each also readable from a MAILTLS_* variable; the colour decision; exit
// codes; GitHub Actions annotations and job summary.
import type { Command } from 'commander';
import { Option } from 'commander';
import { appendFileSync } from 'node:fs';
import type { Problem } from '../errors/problem.ts';
import type { Plan } from '../plan/index.ts';
import { EXIT } from './exit-codes.ts';
import { githubAnnotation, inGithubActions } from './report-problems.ts';

export interface CommonOptions {
  file: string;
  host: string[];
  exclude: string[];
  parallelism: number;
  format: string;
  detailedExitcode: boolean;
  /** false with --no-color. */
  color: boolean;
}

/** Every common flag and the variable that sets it when the flag is not given. */
export const ENV_OF: Record<string, string> = {
  file: 'MAILTLS_FILE',
  host: 'MAILTLS_HOST',
  exclude: 'MAILTLS_EXCLUDE',
  parallelism: 'MAILTLS_PARALLELISM',
  format: 'MAILTLS_FORMAT',
  detailedExitcode: 'MAILTLS_DETAILED_EXITCODE',
  allow: 'MAILTLS_ALLOW',
  out: 'MAILTLS_OUT',
};

const collect = (v: string, prev: string[] = []) => [...prev, ...splitList(v)];

/** `a,b c` → [a, b, c]: list variables take commas or spaces. */
export function splitList(v: string): string[] {
  return v.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
}

export function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
}

function parseBool(name: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off|)$/i.test(v)) return false;
  throw new Error(`${name} must be true or false, not ${JSON.stringify(v)}`);
}

/** Adds -f, --host, --exclude, --parallelism, --format, --detailed-exitcode, --no-color. */
export function addCommonOptions(cmd: Command, formats: readonly string[]): Command {
  return cmd
    .option('-f, --file <FILE>', `inventory file [env ${ENV_OF.file}]`, 'hosts.yaml')
    .option('--host <NAME>', `only this host (repeatable) [env ${ENV_OF.host}]`, collect, [])
    .option('--exclude <NAME>', `leave this host out (repeatable) [env ${ENV_OF.exclude}]`, collect, [])
    .option('--parallelism <N>', `hosts worked on at once [env ${ENV_OF.parallelism}]`, (v) => parsePositiveInt(v), 16)
    .addOption(new Option('--format <FORMAT>', `output format [env ${ENV_OF.format}]`).choices(formats).default(formats[0]))
    .option('--detailed-exitcode', `exit 2 when something differs [env ${ENV_OF.detailedExitcode}]`, false)
    .option('--no-color', 'no colour (also NO_COLOR, or when stdout is not a terminal)');
}

/**
 * Fills options the user did not give on the command line from MAILTLS_* variables. Throws
 * (exit 1 with the message) for a value that does not parse or is not one of the choices.
 */
export function applyEnv<T extends object>(cmd: Command, opts: T, env: NodeJS.ProcessEnv = process.env): T {
  const out = { ...opts } as Record<string, unknown>;
  for (const [key, name] of Object.entries(ENV_OF)) {
    const raw = env[name];
    if (raw === undefined || !cmd.options.some((o) => o.attributeName() === key)) continue;
    const source = cmd.getOptionValueSource(key);
    if (source !== undefined && source !== 'default') continue; // the command line wins
    if (key === 'host' || key === 'exclude' || key === 'allow') out[key] = splitList(raw);
    else if (key === 'parallelism') out[key] = envValue(name, () => parsePositiveInt(raw));
    else if (key === 'detailedExitcode') out[key] = envValue(name, () => parseBool(name, raw));
    else if (key === 'format') {
      const choices = cmd.options.find((o) => o.attributeName() === 'format')?.argChoices;
      if (choices && !choices.includes(raw)) throw new Error(`${name}=${raw}: format must be one of ${choices.join(', ')}`);
      out[key] = raw;
    } else out[key] = raw;
  }
  return out as T;
}

/** applyEnv for an action: a bad variable ends the command like a bad flag (message, exit 1). */
export function optionsWithEnv<T extends object>(cmd: Command, opts: T, env: NodeJS.ProcessEnv = process.env): T {
  try {
    return applyEnv(cmd, opts, env);
  } catch (err) {
    return cmd.error(`error: ${(err as Error).message}`);
  }
}

function envValue<V>(name: string, f: () => V): V {
  try {
    return f();
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

/** Colour only on a terminal, never with NO_COLOR (any non-empty value) or --no-color. */
export function useColor(opts: { color?: boolean }, stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (opts.color === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** DESIGN.md: a blocking guard 4; an error 1; changes 2 with --detailed-exitcode; else 0. */
export function planExitCode(plan: Pick<Plan, 'summary' | 'problems'>, detailed: boolean): number {
  if (plan.summary.guards_blocking > 0) return EXIT.guard;
  if (plan.problems.some((p) => p.severity === 'error')) return EXIT.error;
  if (detailed && plan.summary.changes > 0) return EXIT.changes;
  return EXIT.ok;
}

/** status: 0 consistent; 2 with --detailed-exitcode when not (findings are not errors of the tool). */
export function statusExitCode(consistent: boolean, detailed: boolean): number {
  return !consistent && detailed ? EXIT.changes : EXIT.ok;
}

/** GitHub shows 10 error and 10 warning annotations per step: emit those, then say how many were left out. */
export const ANNOTATION_LIMIT = 10;

export function annotations(problems: Problem[], limit = ANNOTATION_LIMIT): string[] {
  const out: string[] = [];
  for (const sev of ['error', 'warning'] as const) {
    const ps = problems.filter((p) => p.severity === sev);
    for (const p of ps.slice(0, limit)) out.push(githubAnnotation(p));
    if (ps.length > limit) out.push(`::notice::mailtls: ${ps.length - limit} more ${sev}s not annotated (see the job log or summary)`);
  }
  return out;
}

/**
 * Prints the annotations in GitHub Actions. On stderr: the runner reads workflow commands from
 * both streams, and stdout must end with the summary line (and stay valid JSON with --format json).
 */
export function emitAnnotations(problems: Problem[], env: NodeJS.ProcessEnv = process.env, out: (l: string) => void = (l) => console.error(l)): void {
  if (!inGithubActions(env)) return;
  for (const line of annotations(problems)) out(line);
}

/** The job summary takes at most 1 MiB per step. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/** Appends markdown to $GITHUB_STEP_SUMMARY in GitHub Actions; never changes the verdict. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file || !inGithubActions(env)) return false;
  let text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  if (Buffer.byteLength(text) > STEP_SUMMARY_LIMIT) {
    const note = '\n\n_(cut: the job summary holds 1 MiB; see the job log for the rest)_\n';
    text = Buffer.from(text).subarray(0, STEP_SUMMARY_LIMIT - Buffer.byteLength(note) - 4).toString('utf8').replace(/\uFFFD$/, '') + note;
  }
  try {
    appendFileSync(file, text);
    return true;
  } catch {
    return false;
  }
}

/** Problems on stderr, one `formatProblem` line each (hints only for errors, to keep it short). */
export function problemLines(problems: Problem[], fmt: (p: Problem) => string): string[] {
  return problems.flatMap((p) => [fmt(p), ...(p.severity === 'error' && p.hint ? [`  hint: ${p.hint}`] : [])]);
}
