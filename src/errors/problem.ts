// A Problem is one finding: a code from the catalogue, a severity, a message and where it is.
import type { Loc } from '../inventory/types.ts';

export type Severity = 'error' | 'warning' | 'info';

export type Where =
  | Loc
  | { host: string; service?: string; endpoint?: string; path?: string }
  | { dns: string; server?: string };

export interface Problem {
  code: string;
  severity: Severity;
  message: string;
  hint?: string;
  where?: Where;
}

export function isLoc(where: Where | undefined): where is Loc {
  return !!where && 'file' in where && 'line' in where;
}

/** `hosts.yaml:12:7 error E_CODE message` — the one format every verb prints problems in. */
export function formatProblem(p: Problem): string {
  const w = p.where;
  let at = '';
  if (isLoc(w)) at = `${w.file}:${w.line}:${w.column} `;
  else if (w && 'host' in w) {
    // A path is absolute: keep it apart from host/service instead of joining it with '/'.
    const id = [w.host, w.service, w.endpoint].filter(Boolean).join('/');
    at = `${w.path ? `${id} ${w.path}` : id}: `;
  }
  else if (w && 'dns' in w) at = `${w.dns}${w.server ? ` @${w.server}` : ''}: `;
  return `${at}${p.severity} ${p.code} ${p.message}`;
}
