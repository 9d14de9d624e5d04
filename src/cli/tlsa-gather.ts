// The read side every `mailtls tlsa` sub-command shares: select the DANE owners the chosen hosts
// serve, probe EVERY host serving them (a record is only retired when every endpoint of its name
// answered), read the desired keys from the sources, fold the fresh DNS answers into the TLSA
// history, and build one OwnerView per owner. Reads only (the history is local memory).
import type { Inventory, TlsaExpectation } from '../inventory/types.ts';
import { readSecret } from '../inventory/index.ts';
import type { Live } from '../state/types.ts';
import type { Desired } from '../plan/types.ts';
import { resolveDesired } from '../plan/index.ts';
import { ownerView, type OwnerView } from '../plan/tlsa-view.ts';
import { gatherLive, selectOrThrow } from './run-plan.ts';
import { DEFAULT_LOCAL_DIR, firstSeenMap, historyPath, loadHistory, maxTtlMap, observe, saveHistory, type TlsaHistory } from '../state/tlsa-history.ts';

export interface TlsaState {
  inventory: Inventory;
  live: Live;
  desired: Desired;
  views: OwnerView[];
  history: TlsaHistory;
  historyFile: string;
  now: Date;
}

export interface TlsaGatherOptions {
  host: string[];
  exclude: string[];
  parallelism: number;
}

/** Where the TLSA history lives: MAILTLS_LOCAL_DIR or `.mailtls` (the same as plan and apply). */
export function tlsaHistoryFile(env: NodeJS.ProcessEnv = process.env): string {
  return historyPath(env.MAILTLS_LOCAL_DIR ?? DEFAULT_LOCAL_DIR);
}

/** The owners the selected hosts serve, and every host that serves any of them. */
export function ownersAndHosts(inventory: Inventory, selected: ReadonlySet<string>): { owners: TlsaExpectation[]; hosts: string[] } {
  const owners = inventory.dns.tlsa.filter((t) => t.servedBy.some((b) => selected.has(b.host)));
  const hosts = new Set<string>();
  for (const t of owners) for (const b of t.servedBy) hosts.add(b.host);
  return { owners, hosts: [...hosts].sort() };
}

export async function gatherTlsaState(inventory: Inventory, opts: TlsaGatherOptions): Promise<TlsaState> {
  const sel = selectOrThrow(inventory, { hosts: opts.host, exclude: opts.exclude });
  const { owners, hosts } = ownersAndHosts(inventory, sel.hosts);
  const now = new Date();
  // --exclude still wins: an excluded host's endpoints stay unprobed, which blocks retiring.
  const probeHosts = hosts.filter((h) => !opts.exclude.includes(h));
  const g = await gatherLive(inventory, { hosts: probeHosts.length ? probeHosts : [...sel.hosts], parallelism: opts.parallelism, now });
  try {
    const baseDir = inventory.baseDir ?? '.';
    const desired = await resolveDesired(
      inventory,
      { now, baseDir, session: (h) => g.sessions.get(h), readSecret: (ref) => readSecret(ref, baseDir) },
      g.live,
      new Set(hosts),
    );
    const historyFile = tlsaHistoryFile();
    const history = loadHistory(historyFile);
    if (observe(history, g.live, now)) saveHistory(historyFile, history);
    const firstSeen = firstSeenMap(history);
    const maxTtl = maxTtlMap(history);
    const views: OwnerView[] = [];
    for (const e of owners) {
      const t = desired.tlsa.find((x) => x.owner === e.owner);
      if (t) views.push(ownerView({ expectation: e, desired: t, live: g.live, firstSeen, maxTtl, now }));
    }
    return { inventory, live: g.live, desired, views, history, historyFile, now };
  } finally {
    await g.closeAll();
  }
}
