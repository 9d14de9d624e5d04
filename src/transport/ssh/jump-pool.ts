// One connection per jump host, shared by every session that hops through it (so 200 hosts
// behind one bastion cost one bastion login, not 200). Reference-counted: the last session to
// release it closes it. Forwarded channels do not count against sshd's MaxSessions.
import type { Client } from 'ssh2';
import type { Host } from '../../inventory/types.ts';
import { TransportError } from '../errors.ts';
import { openChain, type Chain, type ConnectOptions, type JumpLease, type JumpProvider } from './connect.ts';
import { destroyClient, endClient } from './teardown.ts';

interface Entry {
  chain: Promise<Chain>;
  users: number;
  /** Gone: died, or closed by its last user. A new acquire dials again. */
  over: boolean;
  subscribers: Set<() => void>;
}

export class JumpPool implements JumpProvider {
  private readonly entries = new Map<string, Entry>();
  private readonly closeMs: number;
  private readonly closing = new Set<Promise<void>>();

  constructor(closeMs = 2_000) {
    this.closeMs = closeMs;
  }

  private open(jump: Host, opts: ConnectOptions, seen: string[]): Entry {
    const entry: Entry = { chain: openChain(jump, opts, seen), users: 0, over: false, subscribers: new Set() };
    this.entries.set(jump.name, entry);
    const forget = () => {
      if (this.entries.get(jump.name) === entry) this.entries.delete(jump.name);
    };
    entry.chain.then(
      (chain) => {
        const lost = () => {
          if (entry.over) return;
          entry.over = true;
          forget();
          for (const notify of entry.subscribers) notify();
          for (const c of chain.clients) destroyClient(c);
          chain.lease?.release();
        };
        const hop: Client = chain.clients[chain.clients.length - 1] ?? chain.lease!.client;
        hop.on('close', lost).on('error', lost);
        chain.lease?.onLost(lost);
      },
      forget,
    );
    return entry;
  }

  async acquire(jump: Host, opts: ConnectOptions, seen: string[]): Promise<JumpLease> {
    const current = this.entries.get(jump.name);
    const entry = current && !current.over ? current : this.open(jump, opts, seen);
    entry.users++;
    let chain: Chain;
    try {
      chain = await entry.chain;
      if (entry.over) throw new TransportError('SSH_CONNECTION_LOST', jump.name, `${jump.name}: the jump host connection was lost`);
    } catch (err) {
      entry.users--;
      throw err;
    }
    let released = false;
    return {
      client: chain.clients[chain.clients.length - 1] ?? chain.lease!.client,
      onLost: (cb) => {
        if (entry.over) {
          queueMicrotask(cb);
          return () => {};
        }
        entry.subscribers.add(cb);
        return () => entry.subscribers.delete(cb);
      },
      release: () => {
        if (released) return;
        released = true;
        if (--entry.users > 0 || entry.over) return;
        entry.over = true;
        if (this.entries.get(jump.name) === entry) this.entries.delete(jump.name);
        const done = (async () => {
          for (const c of [...chain.clients].reverse()) await endClient(c, this.closeMs);
          chain.lease?.release();
        })();
        this.closing.add(done);
        void done.finally(() => this.closing.delete(done));
      },
    };
  }

  /** Waits until every jump connection whose last user left has closed. */
  async drain(): Promise<void> {
    while (this.closing.size) await Promise.all([...this.closing]);
  }
}
