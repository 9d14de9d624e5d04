// The whole read side in one call, for `plan`, `status` and `apply`: select hosts → gather Live
// → resolveDesired → makePlan. The sessions stay open in the result so apply can reuse the same
// connections; the caller MUST `closeAll()` in a `finally`. Reads only (Invariant 1).
// It composes layers 2 and 4, so it lives with the verbs (layer 5): the CLI's composition root,
// shared by plan, apply, status, tlsa and unlock without one verb importing another.
import type { Inventory } from '../inventory/types.ts';
import type { Live } from '../state/types.ts';
import type { Desired, Plan } from '../plan/index.ts';
import { makePlan, readGitInfo, resolveDesired, selectHosts, type HostSelection } from '../plan/index.ts';
import { readSecret } from '../inventory/index.ts';
import { problem } from '../errors/catalog.ts';
import { MailtlsError } from '../errors/catalog.ts';
import { readManifest } from '../apply/manifest.ts';
import { DEFAULT_STATE_DIR } from '../apply/run.ts';
import { gather, DEFAULT_PARALLELISM } from '../state/gather.ts';
import { SessionCache, type SessionCacheOptions } from '../state/sessions.ts';
import { DEFAULT_LOCAL_DIR, firstSeenMap, historyPath, loadHistory, maxTtlMap, observe, saveHistory } from '../state/tlsa-history.ts';

export interface GatherSelection {
  /** `--host` (repeatable); empty: every host. */
  hosts?: readonly string[];
  /** `--exclude` (repeatable). */
  exclude?: readonly string[];
}

export interface ReadOptions extends GatherSelection {
  parallelism?: number;
  now?: Date;
  probeTimeoutMs?: number;
  dnsTimeoutMs?: number;
  /** Reuse a cache (apply re-gathering on the same connections); default: a new one. */
  sessions?: SessionCache;
  sessionOptions?: SessionCacheOptions;
  /** Where apply keeps its manifest on each host; `{host}` is the inventory host name (default `<DEFAULT_STATE_DIR>/{host}`, as `mailtls apply`). */
  stateDir?: string;
}

export interface PlanOptions extends ReadOptions {
  /** `--allow GUARD` (repeatable). */
  allow?: readonly string[];
  tlsaFirstSeen?: ReadonlyMap<string, string>;
  tlsaMaxTtl?: ReadonlyMap<string, number>;
  /**
   * Where the TLSA history lives (`<dir>/tlsa-history.json`, default `.mailtls`): read, updated
   * with this observation, and used for the dane-gap hold time. `false`: don't use a store.
   */
  localDir?: string | false;
}

export interface GatheredLive {
  live: Live;
  selection: HostSelection;
  sessions: SessionCache;
  closeAll(): Promise<void>;
}

export interface ComputedPlan extends GatheredLive {
  plan: Plan;
  desired: Desired;
}

/** Checks --host/--exclude names; an unknown name is an error (exit 1), not an empty plan. */
export function selectOrThrow(inventory: Inventory, sel: GatherSelection): HostSelection {
  const s = selectHosts(inventory, sel.hosts ?? [], sel.exclude ?? []);
  if (s.unknown.length) {
    const known = inventory.hosts.map((h) => h.name).join(', ');
    throw new MailtlsError(s.unknown.map((n) => problem('UNKNOWN_HOST', `--host/--exclude names ${n}, which is not a host of ${inventory.path} (hosts: ${known})`)));
  }
  return s;
}

/** Gathers Live for the selected hosts. Sessions stay open (see `closeAll`). */
export async function gatherLive(inventory: Inventory, opts: ReadOptions = {}): Promise<GatheredLive> {
  const selection = selectOrThrow(inventory, opts);
  const sessions = opts.sessions ?? new SessionCache(inventory, opts.sessionOptions);
  const stateDir = opts.stateDir ?? `${DEFAULT_STATE_DIR}/{host}`;
  try {
    const live = await gather(inventory, {
      sessions,
      hosts: selection.hosts,
      parallelism: opts.parallelism ?? DEFAULT_PARALLELISM,
      readManifest: (session) => readManifest(session, stateDir.replace(/\{host\}/g, session.host)),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.probeTimeoutMs !== undefined ? { probeTimeoutMs: opts.probeTimeoutMs } : {}),
      ...(opts.dnsTimeoutMs !== undefined ? { dnsTimeoutMs: opts.dnsTimeoutMs } : {}),
    });
    return { live, selection, sessions, closeAll: () => sessions.closeAll() };
  } catch (err) {
    if (!opts.sessions) await sessions.closeAll();
    throw err;
  }
}

/** load → gather → resolveDesired → makePlan, sessions kept open for apply. */
export async function computePlan(inventory: Inventory, opts: PlanOptions = {}): Promise<ComputedPlan> {
  const now = opts.now ?? new Date();
  const g = await gatherLive(inventory, { ...opts, now });
  try {
    const baseDir = inventory.baseDir ?? '.';
    const desired = await resolveDesired(
      inventory,
      { now, baseDir, session: (h) => g.sessions.get(h), readSecret: (ref) => readSecret(ref, baseDir) },
      g.live,
      g.selection.hosts,
    );
    const timing = tlsaTiming(g.live, now, opts);
    const plan = makePlan({
      inventory,
      desired,
      live: g.live,
      allow: opts.allow ?? [],
      now,
      git: await readGitInfo(inventory.path),
      excluded: g.selection.excluded,
      ...timing,
    });
    return { ...g, plan, desired };
  } catch (err) {
    if (!opts.sessions) await g.closeAll();
    throw err;
  }
}

/** The dane-gap timing inputs: given explicitly, or from the TLSA history updated with this observation. */
function tlsaTiming(live: Live, now: Date, opts: PlanOptions): { tlsaFirstSeen?: ReadonlyMap<string, string>; tlsaMaxTtl?: ReadonlyMap<string, number> } {
  if (opts.tlsaFirstSeen) return { tlsaFirstSeen: opts.tlsaFirstSeen, ...(opts.tlsaMaxTtl ? { tlsaMaxTtl: opts.tlsaMaxTtl } : {}) };
  if (opts.localDir === false) return {};
  const path = historyPath(opts.localDir ?? process.env.MAILTLS_LOCAL_DIR ?? DEFAULT_LOCAL_DIR);
  const history = loadHistory(path);
  if (observe(history, live, now)) saveHistory(path, history);
  return { tlsaFirstSeen: firstSeenMap(history), tlsaMaxTtl: maxTtlMap(history) };
}
