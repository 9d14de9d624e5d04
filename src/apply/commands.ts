// Runs a service's daemon check or reload commands (argv arrays, never shell strings).
import type { HostSession } from '../transport/types.ts';

export interface CommandFailure {
  argv: string[];
  message: string;
}

function tail(s: string): string {
  const t = s.trim().split('\n').slice(-3).join(' | ');
  return t.length > 300 ? t.slice(-300) : t;
}

/** Runs each argv in order; stops at the first failure and describes it. */
export async function runAll(session: HostSession, commands: string[][], timeoutMs: number): Promise<CommandFailure | undefined> {
  for (const argv of commands) {
    let r;
    try {
      r = await session.exec(argv, { timeoutMs });
    } catch (err) {
      return { argv, message: `${argv.join(' ')}: ${(err as Error).message}` };
    }
    if (r.code !== 0) {
      const why = r.timedOut ? `timed out after ${timeoutMs} ms` : r.code === null ? `killed (${r.signal ?? 'signal'})` : `exit ${r.code}`;
      const out = tail(r.stderr || r.stdout);
      return { argv, message: `${argv.join(' ')}: ${why}${out ? `: ${out}` : ''}` };
    }
  }
  return undefined;
}
