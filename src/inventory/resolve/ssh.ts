// A host's SSH settings: its own values, else `defaults.ssh`, else built-in defaults; pinned
// host keys from `host_keys` lines plus the matching lines of a `known_hosts` file.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Defaulted, SshSettings } from '../types.ts';
import type { RawInventory, RawSsh } from '../raw.ts';
import type { Path } from '../yaml-source.ts';
import { parseSecretRef } from '../secrets.ts';
import { parseDuration } from '../duration.ts';
import { keysFor, parseKnownHosts } from '../known-hosts.ts';
import type { KnownHostsParse } from '../known-hosts.ts';
import { didYouMean } from '../did-you-mean.ts';
import type { Ctx } from './context.ts';
import { at, report } from './context.ts';

export const SSH_DEFAULTS = { user: 'root', port: 22, sudo: false, connectTimeoutMs: 10_000 } as const;

const knownHostsCache = new WeakMap<Ctx, Map<string, KnownHostsParse | null>>();

function readKnownHosts(ctx: Ctx, file: string, shown: string, path: Path): KnownHostsParse | null {
  let cache = knownHostsCache.get(ctx);
  if (!cache) knownHostsCache.set(ctx, (cache = new Map()));
  if (cache.has(file)) return cache.get(file)!;
  let parsed: KnownHostsParse | null = null;
  if (!existsSync(file)) {
    report(ctx, 'KNOWN_HOSTS_MISSING', `known_hosts file ${shown} does not exist${isAbsolute(shown) ? '' : " (relative paths start at the inventory's directory)"}; until it does, hosts that rely on it have no pinned key and are not connected to`, path);
  } else {
    parsed = parseKnownHosts(readFileSync(file, 'utf8'));
    for (const b of parsed.bad) report(ctx, 'KNOWN_HOSTS_BAD_LINE', `${shown}:${b.line}: ${b.reason}; line skipped`, path);
  }
  cache.set(file, parsed);
  return parsed;
}

export function resolveSsh(ctx: Ctx, raw: RawInventory, hostName: string, address: string): SshSettings {
  const own: RawSsh = raw.hosts[hostName]?.ssh ?? {};
  const shared: RawSsh = raw.defaults?.ssh ?? {};
  const ownPath: Path = ['hosts', hostName, 'ssh'];
  const sharedPath: Path = ['defaults', 'ssh'];
  const defaulted: Defaulted = {};
  // Which layer a field comes from, and where it is written.
  const pick = <K extends keyof RawSsh>(k: K): { value: RawSsh[K]; path: Path } | undefined => {
    if (own[k] !== undefined) return { value: own[k], path: [...ownPath, k] };
    if (shared[k] !== undefined) {
      defaulted[k] = 'defaults.ssh';
      return { value: shared[k], path: [...sharedPath, k] };
    }
    return undefined;
  };
  const builtin = <T>(k: string, v: T): T => ((defaulted[k] = 'default'), v);

  const user = pick('user')?.value ?? builtin('user', SSH_DEFAULTS.user);
  const port = pick('port')?.value ?? builtin('port', SSH_DEFAULTS.port);
  const sudo = pick('sudo')?.value ?? builtin('sudo', SSH_DEFAULTS.sudo);
  const timeout = pick('connect_timeout');
  const connectTimeoutMs = timeout ? (parseDuration(timeout.value!) ?? 10) * 1000 : builtin('connect_timeout', SSH_DEFAULTS.connectTimeoutMs);
  const identityText = pick('identity')?.value;
  let jump = pick('jump');
  // A jump host from defaults.ssh does not apply to the jump host itself.
  if (jump && jump.value === hostName && own.jump === undefined) {
    jump = undefined;
    delete defaulted.jump;
  }

  const hostKeys: string[] = [...(pick('host_keys')?.value ?? [])];
  const kh = pick('known_hosts');
  let knownHosts: string | undefined;
  if (kh?.value) {
    knownHosts = isAbsolute(kh.value) ? kh.value : resolve(ctx.baseDir, kh.value);
    const parsed = readKnownHosts(ctx, knownHosts, kh.value, kh.path);
    if (parsed) {
      const { keys, revoked } = keysFor(parsed, address, port);
      for (const r of revoked) {
        report(ctx, 'KNOWN_HOSTS_REVOKED', `${kh.value}:${r.line}: @revoked ${r.key.split(' ')[0]} key for ${address} is not pinned`, kh.path);
      }
      for (const k of keys) if (!hostKeys.some((h) => sameKey(h, k))) hostKeys.push(k);
    }
  }
  const ssh: SshSettings = { port, user, hostKeys, sudo, connectTimeoutMs, loc: at(ctx, own === raw.hosts[hostName]?.ssh ? ownPath : ['hosts', hostName]), defaulted };
  if (identityText) ssh.identity = parseSecretRef(identityText);
  else defaulted.identity = 'default (ssh agent)';
  if (jump?.value) {
    ssh.jump = jump.value;
    if (!raw.hosts[jump.value]) report(ctx, 'UNKNOWN_HOST', `ssh.jump host "${jump.value}" is not declared under hosts${didYouMean(jump.value, Object.keys(raw.hosts))}`, jump.path);
    else if (jump.value === hostName) report(ctx, 'JUMP_CYCLE', `host ${hostName} cannot be its own ssh.jump host`, jump.path);
  }
  if (knownHosts) ssh.knownHosts = knownHosts;
  if (hostKeys.length === 0 && !(kh?.value && !existsSync(knownHosts!))) {
    const why = kh?.value ? `no line of ${kh.value} matches ${port === 22 ? address : `[${address}]:${port}`}` : 'neither host_keys nor known_hosts is set';
    report(ctx, 'NO_HOST_KEY', `host ${hostName} has no pinned SSH host key: ${why}`, kh?.path ?? ['hosts', hostName]);
  }
  return ssh;
}

function sameKey(a: string, b: string): boolean {
  return a.split(/\s+/).slice(0, 2).join(' ') === b.split(/\s+/).slice(0, 2).join(' ');
}
