// Small pieces `apply` and `unlock` share: where the lock and manifest live on a host
// (--state-dir, `{host}` expanded), the TTY confirmation, and lending the plan's open sessions
// to the engine without letting it close them (the CLI closes them once, at the end).
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { HostSession } from '../transport/types.ts';
import { DEFAULT_STATE_DIR } from '../apply/index.ts';

/**
 * Per inventory host by default: two inventory hosts on one machine (the lab, a box reached under
 * two names) must not share a lock. `{host}` is replaced by the inventory host name. plan and
 * status read the manifest from the same default (src/state/run-plan.ts).
 */
export const DEFAULT_STATE_DIR_TEMPLATE = `${DEFAULT_STATE_DIR}/{host}`;
export const STATE_DIR_ENV = 'MAILTLS_STATE_DIR';

export function addStateDirOption(cmd: Command): Command {
  return cmd.option('--state-dir <DIR>', `directory on each host for the lock and the last-applied manifest; {host} is the inventory host name [env ${STATE_DIR_ENV}]`, DEFAULT_STATE_DIR_TEMPLATE);
}

/** The --state-dir value, from the flag, else MAILTLS_STATE_DIR, else the default. */
export function stateDirTemplate(cmd: Command, value: string, env: NodeJS.ProcessEnv = process.env): string {
  const src = cmd.getOptionValueSource('stateDir');
  if ((src === undefined || src === 'default') && env[STATE_DIR_ENV]) return env[STATE_DIR_ENV]!;
  return value;
}

export function stateDirOf(template: string, host: string): string {
  return template.replace(/\{host\}/g, host);
}

/** Asks on the terminal; true only for exactly `yes` (Terraform's rule). */
export async function confirm(question: string, out: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: out, terminal: true });
  try {
    const answer = await rl.question(`${question} `);
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** The session with a no-op close: the engine closes per host, the plan's SessionCache owns it. */
export function borrowed(session: HostSession): HostSession {
  return new Proxy(session, {
    get(target, prop) {
      if (prop === 'close') return async () => {};
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
