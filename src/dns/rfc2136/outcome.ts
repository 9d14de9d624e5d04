// What knsupdate / nsupdate said, as one of a few outcomes. Both print the answer header
// (`status: NOERROR`), the TSIG pseudo-section and `ERROR:` / `update failed:` lines; we keep
// only the rcode, the TSIG error and those lines, never the whole transcript.
import type { RunOutput } from './runner.ts';

export type OutcomeKind = 'ok' | 'tsig' | 'refused' | 'timeout' | 'unreachable' | 'failed';

export interface Outcome {
  kind: OutcomeKind;
  /** Update rcode from the answer header, if one was printed. */
  rcode?: string;
  /** TSIG error (BADSIG, BADKEY, BADTIME) if the server reported one. */
  tsigError?: string;
  /** The tool's own error lines, secret already blanked. */
  detail: string;
}

const TSIG_ERR = /\b(BADSIG|BADKEY|BADTIME|BADTRUNC)\b/;

export function classify(run: RunOutput): Outcome {
  const out = run.output;
  const rcode = [...out.matchAll(/status[:,]?\s*([A-Z]+)/g)].map((m) => m[1]!).pop();
  const tsigError = TSIG_ERR.exec(out)?.[1];
  const lines = out
    .split('\n')
    .map((l) => l.replace(/^[;\s]+/, '').trim())
    .filter((l) => /(ERROR|WARNING):|update failed|TSIG error|Communication with|couldn't|could not|invalid|cannot run/i.test(l));
  const detail = [...new Set(lines)].slice(0, 4).join('; ');
  const base = { detail: detail || (run.timedOut ? `${run.tool} did not finish` : `${run.tool} exited ${run.code}`) };
  const withCodes = { ...base, ...(rcode ? { rcode } : {}), ...(tsigError ? { tsigError } : {}) };
  if (run.code === 0 && !run.timedOut && (!rcode || rcode === 'NOERROR')) return { kind: 'ok', ...withCodes };
  if (tsigError || /failed to verify TSIG|tsig indicates error|invalid key specification/i.test(out)) return { kind: 'tsig', ...withCodes };
  if (rcode === 'REFUSED' || rcode === 'NOTAUTH' || rcode === 'NOTZONE') return { kind: 'refused', ...withCodes };
  if (/connection refused|network unreachable|host unreachable/i.test(out)) return { kind: 'unreachable', ...withCodes };
  if (run.timedOut || /timed out|response timeout|timeout/i.test(out)) return { kind: 'timeout', ...withCodes };
  return { kind: 'failed', ...withCodes };
}
