// One session per inventory host for a whole run: gather, the certificate sources and (later)
// apply all go through `SessionCache.get(name)`. Opened lazily, on first use; a failed connect
// is remembered, so a host that refused us is not dialled again by every caller (no retry
// storm), and becomes a Problem for that host. `closeAll()` belongs in a `finally`.
import type { Host, Inventory, SecretRef } from '../inventory/types.ts';
import type { Problem } from '../errors/problem.ts';
import { readSecret } from '../inventory/index.ts';
import { connectHost, JumpPool, type SshTimeouts } from '../transport/ssh/index.ts';
import { transportProblem } from '../transport/errors.ts';
import { problem } from '../errors/catalog.ts';
import type { HostSession } from '../transport/types.ts';

export interface SessionCacheOptions {
  timeouts?: SshTimeouts;
  /** How to open a session; default SSH (`connectHost`) with the inventory's secrets. */
  open?: (host: Host) => Promise<HostSession>;
}

/** The error a `get` rejects with when the host cannot be reached; carries the Problem. */
export class HostUnavailableError extends Error {
  readonly host: string;
  readonly problem: Problem;
  constructor(host: string, p: Problem, options?: { cause?: unknown }) {
    super(p.message, options);
    this.name = 'HostUnavailableError';
    this.host = host;
    this.problem = p;
  }
}

type Entry = { ok: true; session: HostSession } | { ok: false; error: HostUnavailableError };

export class SessionCache {
  private readonly inventory: Inventory;
  private readonly opts: SessionCacheOptions;
  private readonly entries = new Map<string, Promise<Entry>>();
  private closed = false;
  /** Hosts behind one bastion share one connection to it, instead of one per host. */
  private readonly jumps = new JumpPool();

  constructor(inventory: Inventory, opts: SessionCacheOptions = {}) {
    this.inventory = inventory;
    this.opts = opts;
  }

  /** The host's session, opened on first use. Rejects with HostUnavailableError (remembered). */
  async get(name: string): Promise<HostSession> {
    if (this.closed) throw new Error(`SessionCache is closed (asked for ${name})`);
    let entry = this.entries.get(name);
    if (!entry) {
      entry = this.open(name);
      this.entries.set(name, entry);
    }
    const e = await entry;
    if (!e.ok) throw e.error;
    return e.session;
  }

  /** The Problem a host's connect produced, if it was tried and failed. */
  async failure(name: string): Promise<Problem | undefined> {
    const e = await this.entries.get(name);
    return e && !e.ok ? e.error.problem : undefined;
  }

  /** Names of hosts with an open session. */
  async openHosts(): Promise<string[]> {
    const out: string[] = [];
    for (const [name, p] of this.entries) if ((await p).ok) out.push(name);
    return out.sort();
  }

  /** Closes every session (errors ignored: closing must never hide the real outcome). */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(
      all.map(async (p) => {
        const e = await p;
        if (e.ok) await e.session.close().catch(() => undefined);
      }),
    );
    await this.jumps.drain().catch(() => undefined);
  }

  private async open(name: string): Promise<Entry> {
    const host = this.inventory.hosts.find((h) => h.name === name);
    if (!host) {
      const p = problem('HOST_OP_FAILED', `${name} is not a host of the inventory`, { host: name });
      return { ok: false, error: new HostUnavailableError(name, p) };
    }
    const baseDir = this.inventory.baseDir ?? '.';
    const open =
      this.opts.open ??
      ((h: Host) =>
        connectHost(h, {
          resolveHost: (n) => this.inventory.hosts.find((x) => x.name === n),
          readSecret: (ref: SecretRef) => readSecret(ref, baseDir),
          jumps: this.jumps,
          ...(this.opts.timeouts ? { timeouts: this.opts.timeouts } : {}),
        }));
    try {
      const session = await open(host);
      if (this.closed) {
        // closeAll() ran while we were connecting: do not leak the connection.
        await session.close().catch(() => undefined);
        return { ok: false, error: new HostUnavailableError(name, problem('HOST_OP_FAILED', `${name}: session cache closed`, { host: name })) };
      }
      return { ok: true, session };
    } catch (err) {
      return { ok: false, error: new HostUnavailableError(name, transportProblem(name, err), { cause: err }) };
    }
  }
}
