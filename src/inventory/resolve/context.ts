// What every resolve step shares: the source (for locations), the problems found so far and
// the directory relative references resolve against.
import type { Problem, Severity } from '../../errors/problem.ts';
import { problem } from '../../errors/catalog.ts';
import type { Loc } from '../types.ts';
import { locate } from '../yaml-source.ts';
import type { Path, YamlSource } from '../yaml-source.ts';

export interface Ctx {
  src: YamlSource;
  /** Directory of the inventory file. */
  baseDir: string;
  problems: Problem[];
}

/** The location of a node; maps and list items point at the line that names them. */
export function at(ctx: Ctx, path: Path): Loc {
  return locate(ctx.src, path, { key: typeof path[path.length - 1] === 'string' });
}

export function report(ctx: Ctx, code: string, message: string, path: Path, severity?: Severity): void {
  ctx.problems.push(problem(code, message, at(ctx, path), severity));
}

/** Absolute POSIX path on a remote host. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/');
}

export function checkAbsolute(ctx: Ctx, value: string | undefined, path: Path, what: string): void {
  if (value !== undefined && !isAbsolutePath(value)) {
    report(ctx, 'RELATIVE_PATH', `${what} "${value}" must be an absolute path on the host (starting with /)`, path);
  }
}
