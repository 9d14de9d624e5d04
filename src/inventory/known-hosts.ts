// OpenSSH known_hosts files, so a host's pins can come from the file ssh already uses.
// Supports plain and wildcard patterns, negation (!pat), `[host]:port`, comma lists,
// hashed `|1|salt|hash` entries and the @revoked / @cert-authority markers (sshd(8)).
import { createHmac } from 'node:crypto';

export interface KnownHostsEntry {
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Comma-separated patterns, or one hashed entry. */
  patterns: string[];
  /** `type base64` (comment dropped). */
  key: string;
}

export interface KnownHostsParse {
  entries: KnownHostsEntry[];
  bad: { line: number; reason: string }[];
}

const KEY_TYPE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

export function parseKnownHosts(text: string): KnownHostsParse {
  const out: KnownHostsParse = { entries: [], bad: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return void out.bad.push({ line: i + 1, reason: `unknown marker ${m}` });
    }
    const [hosts, type, data] = fields;
    if (!hosts || !type || !data) return void out.bad.push({ line: i + 1, reason: 'expected "hosts keytype base64-key"' });
    if (!KEY_TYPE.test(type)) return void out.bad.push({ line: i + 1, reason: `unknown key type ${type}` });
    if (!/^[A-Za-z0-9+/]+=*$/.test(data)) return void out.bad.push({ line: i + 1, reason: 'the key is not base64' });
    out.entries.push({ line: i + 1, marker, patterns: hosts.split(','), key: `${type} ${data}` });
  });
  return out;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function glob(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

function hashedMatch(pattern: string, token: string): boolean {
  const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(pattern);
  if (!m) return false;
  const mac = createHmac('sha1', Buffer.from(m[1]!, 'base64')).update(token).digest('base64');
  return mac === m[2];
}

export function entryMatches(entry: KnownHostsEntry, host: string, port: number): boolean {
  const token = hostToken(host, port);
  let matched = false;
  for (const p of entry.patterns) {
    if (p.startsWith('|1|')) {
      if (hashedMatch(p, token)) matched = true;
      continue;
    }
    const negated = p.startsWith('!');
    const pat = negated ? p.slice(1) : p;
    if (glob(pat, token)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Pinned keys for host:port, and the lines of revoked keys that were left out. */
export function keysFor(parsed: KnownHostsParse, host: string, port: number): { keys: string[]; revoked: KnownHostsEntry[] } {
  const matching = parsed.entries.filter((e) => entryMatches(e, host, port));
  const revoked = matching.filter((e) => e.marker === 'revoked');
  const revokedKeys = new Set(revoked.map((e) => e.key));
  const keys = matching.filter((e) => !e.marker && !revokedKeys.has(e.key)).map((e) => e.key);
  return { keys: [...new Set(keys)], revoked };
}
