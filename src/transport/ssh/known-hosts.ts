// A known_hosts file (OpenSSH format) → the pinned keys for one host. Covers what ssh(1) does
// for plain keys: comma-separated patterns, `[host]:port`, `*`/`?` wildcards, `!` negation,
// hashed names (`|1|salt|HMAC-SHA1`), `@revoked`. `@cert-authority` lines are skipped: ssh2
// cannot verify host certificates, so they can never pin anything here (fail closed).
import { createHmac } from 'node:crypto';
import { parsePinnedKey, type PinnedKey } from './host-keys.ts';

export interface KnownHostsMatch {
  pins: PinnedKey[];
  /** Keys marked `@revoked`: a server offering one of these is refused even if pinned. */
  revoked: PinnedKey[];
  /** Lines that matched the host but could not be used, with the reason. */
  skipped: string[];
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatches(field: string, name: string): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  const mac = createHmac('sha1', Buffer.from(parts[2], 'base64')).update(name).digest('base64');
  return mac === parts[3];
}

/** Does a host field (patterns or one hashed name) cover any of the lookup names? */
export function hostFieldMatches(field: string, names: readonly string[]): boolean {
  if (field.startsWith('|')) return names.some((n) => hashedMatches(field, n));
  let positive = false;
  for (const pattern of field.split(',')) {
    if (!pattern) continue;
    const negated = pattern.startsWith('!');
    const re = globToRegExp(negated ? pattern.slice(1) : pattern);
    if (names.some((n) => re.test(n))) {
      if (negated) return false; // a matching negation vetoes the whole line
      positive = true;
    }
  }
  return positive;
}

/**
 * Selects the keys for a host from known_hosts text. `hosts` are the names and addresses the
 * host is known by; `port` the SSH port.
 */
export function pinsFromKnownHosts(text: string, hosts: readonly string[], port: number): KnownHostsMatch {
  const names = hosts.map((h) => lookupName(h, port));
  const out: KnownHostsMatch = { pins: [], revoked: [], skipped: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let fields = line.split(/\s+/);
    let marker: string | undefined;
    if (fields[0]?.startsWith('@')) {
      marker = fields[0];
      fields = fields.slice(1);
    }
    const [hostField, ...key] = fields;
    if (!hostField || key.length < 2 || !hostFieldMatches(hostField, names)) continue;
    if (marker === '@cert-authority') {
      out.skipped.push(`${hostField}: @cert-authority lines are not supported (no host certificates)`);
      continue;
    }
    if (marker && marker !== '@revoked') {
      out.skipped.push(`${hostField}: unknown marker ${marker}`);
      continue;
    }
    try {
      const pin = parsePinnedKey(key.join(' '));
      (marker === '@revoked' ? out.revoked : out.pins).push(pin);
    } catch (err) {
      out.skipped.push(`${hostField}: ${(err as Error).message}`);
    }
  }
  return out;
}
