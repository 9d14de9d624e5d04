// The error catalogue: every problem code the tool can report, with its default severity and a
// hint. Codes are grouped by area in their own files; this file merges them and builds Problems.
import type { Problem, Severity, Where } from './problem.ts';
import { inventoryCodes } from './codes/inventory.ts';
import { liveCodes } from './codes/live.ts';
import { planCodes } from './codes/plan.ts';
import { applyCodes } from './codes/apply.ts';

export interface CatalogEntry {
  severity: Severity;
  /** What the code means, in a few words (used in docs and --help). */
  title: string;
  /** What to do about it. */
  hint?: string;
}

export const catalog: Readonly<Record<string, CatalogEntry>> = {
  ...inventoryCodes,
  ...liveCodes,
  ...planCodes,
  ...applyCodes,
};

/** Builds a Problem for a catalogued code; an unknown code is a programming error. */
export function problem(code: string, message: string, where?: Where, severity?: Severity): Problem {
  const entry = catalog[code];
  if (!entry) throw new Error(`problem code ${code} is not in the catalogue`);
  const p: Problem = { code, severity: severity ?? entry.severity, message };
  if (entry.hint) p.hint = entry.hint;
  if (where) p.where = where;
  return p;
}

/** An error that carries catalogued problems and the exit code the CLI should use. */
export class MailtlsError extends Error {
  readonly problems: Problem[];
  readonly exitCode: number;
  constructor(problems: Problem[], exitCode = 1) {
    super(problems.map((p) => `${p.code} ${p.message}`).join('; '));
    this.name = 'MailtlsError';
    this.problems = problems;
    this.exitCode = exitCode;
  }
}
