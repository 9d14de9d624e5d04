// Work on many hosts at once: at most `parallelism` hosts in flight, one session per host
// (opened, used by `fn`, always closed), and a host that fails becomes an outcome with a
// Problem instead of failing the whole run.
import type { Host } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import { transportProblem } from './errors.ts';
import { Limiter } from './limiter.ts';
import { connectHost, JumpPool, type ConnectOptions } from './ssh/index.ts';
import type { HostSession } from './types.ts';

export type HostOutcome<T> =
  | { host: string; ok: true; value: T }
  | { host: string; ok: false; error: unknown; problem: Problem };

export interface PoolOptions extends ConnectOptions {
  /** How to open a session; default SSH (`connectHost`). A local session can be chosen here. */
  open?: (host: Host) => Promise<HostSession>;
}

/**
 * Runs `fn` once per host (hosts with the same name once), results in input order. The session
 * is closed when `fn` settles, whatever happened; shared jump connections are closed before
 * this returns.
 */
export async function withHostSessions<T>(
  hosts: readonly Host[],
  parallelism: number,
  fn: (session: HostSession, host: Host) => Promise<T>,
  opts: PoolOptions,
): Promise<HostOutcome<T>[]> {
  const unique = [...new Map(hosts.map((h) => [h.name, h])).values()];
  const limiter = new Limiter(Math.max(1, Math.floor(parallelism)));
  // Sessions to hosts behind the same jump host share one connection to it.
  const jumps = opts.open || opts.jumps ? undefined : new JumpPool(opts.timeouts?.closeMs);
  const open = opts.open ?? ((h: Host) => connectHost(h, jumps ? { ...opts, jumps } : opts));
  const outcomes = await Promise.all(
    unique.map((host) =>
      limiter.run(async (): Promise<HostOutcome<T>> => {
        let session: HostSession | undefined;
        try {
          session = await open(host);
          return { host: host.name, ok: true, value: await fn(session, host) };
        } catch (error) {
          return { host: host.name, ok: false, error, problem: transportProblem(host.name, error) };
        } finally {
          await session?.close().catch(() => undefined);
        }
      }),
    ),
  );
  await jumps?.drain();
  return outcomes;
}
