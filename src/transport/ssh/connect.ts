// Opening authenticated ssh2 Clients: one hop at a time, each hop's host key checked against its
// own pins before anything else happens, jump hosts chained through `forwardOut`.
import ssh2 from 'ssh2';
import type { AuthenticationType, Client, ConnectConfig, KexAlgorithm, ServerHostKeyAlgorithm } from 'ssh2';
import type { Readable } from 'node:stream';
import type { Host, SecretRef } from '../../inventory/types.ts';
import { TransportError } from '../errors.ts';
import { classifyConnectError, type HandshakeFacts } from './classify.ts';
import { destroyClient } from './teardown.ts';
import { ALL_HOST_KEY_ALGORITHMS, hostKeyAlgorithms, matchesPin, parsePinnedKey, type PinnedKey } from './host-keys.ts';

export interface SshTimeouts {
  /** Handshake + auth per hop; default: the host's `ssh.connectTimeoutMs`. */
  connectMs?: number;
  /** Each SFTP operation; default 30 s. A timed-out operation ends the session. */
  opMs?: number;
  /** Default for `exec` when the caller gives none; default 120 s. */
  execMs?: number;
  /** Waiting for a clean close before destroying the socket; default 2 s. */
  closeMs?: number;
}

export interface ConnectOptions {
  /** Looks up another inventory host by name (for `ssh.jump`). */
  resolveHost(name: string): Host | undefined;
  /** Reads a secret (`env:`/`file:`); the bytes stay in memory only. */
  readSecret(ref: SecretRef): Promise<Buffer | string>;
  timeouts?: SshTimeouts;
  /** Shares jump-host connections between sessions (see JumpPool); without it each session dials its own. */
  jumps?: JumpProvider;
}

/** A connection to a jump host that several sessions forward through. */
export interface JumpLease {
  /** The hop to call `forwardOut` on. */
  client: Client;
  /** Calls `cb` when the shared connection dies; returns an unsubscribe function. */
  onLost(cb: () => void): () => void;
  /** This session is done with it (idempotent); the last user closes it. */
  release(): void;
}

export interface JumpProvider {
  acquire(jump: Host, opts: ConnectOptions, seen: string[]): Promise<JumpLease>;
}

/** The clients a session owns (target last) and, when hopping through a shared jump, its lease. */
export interface Chain {
  clients: Client[];
  lease?: JumpLease;
}

/** Fast key exchange first: curve25519 costs ~11 ms CPU here against ~90 ms for sntrup761 (perf-anchors.md). */
const KEX: KexAlgorithm[] = [
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'ecdh-sha2-nistp256',
  'ecdh-sha2-nistp384',
  'ecdh-sha2-nistp521',
  'diffie-hellman-group-exchange-sha256',
  'diffie-hellman-group14-sha256',
  'diffie-hellman-group16-sha512',
];

const MAX_HOPS = 4;
// ssh2 is CommonJS; Node's ESM loader does not see its named exports.
const { Client: SshClient, utils } = ssh2;

/** Where to dial a host: its first address, else its name. */
export function dialAddress(host: Host): string {
  return host.addresses[0] ?? host.name;
}

function pinsOf(host: Host): PinnedKey[] {
  return host.ssh.hostKeys.map((line, i) => {
    try {
      return parsePinnedKey(line);
    } catch (err) {
      throw new TransportError('SSH_CONFIG', host.name, `${host.name}: ssh.hostKeys[${i}]: ${(err as Error).message}`);
    }
  });
}

async function authOf(host: Host, opts: ConnectOptions): Promise<Partial<ConnectConfig>> {
  const ref = host.ssh.identity;
  if (!ref) {
    const agent = process.env.SSH_AUTH_SOCK;
    if (!agent) throw new TransportError('SSH_CONFIG', host.name, `${host.name}: no ssh.identity and no SSH agent (SSH_AUTH_SOCK is not set)`);
    return { agent, authHandler: ['agent'] as AuthenticationType[] };
  }
  const where = ref.kind === 'env' ? `env:${ref.name}` : `file:${ref.path}`;
  let privateKey: Buffer | string;
  try {
    privateKey = await opts.readSecret(ref);
  } catch (err) {
    throw new TransportError('SSH_CONFIG', host.name, `${host.name}: cannot read ssh.identity ${where}: ${(err as Error).message}`);
  }
  // Parse once here so a bad key is a config problem, not an "authentication failed". The
  // parser's messages never include key bytes.
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error || (Array.isArray(parsed) && parsed.length === 0)) {
    const why = parsed instanceof Error ? parsed.message : 'no key found';
    throw new TransportError('SSH_CONFIG', host.name, `${host.name}: ssh.identity ${where} is not a usable private key (${why})`);
  }
  return { privateKey, authHandler: ['publickey'] as AuthenticationType[] };
}

/** Connects and authenticates one hop; `sock` is a forwarded stream when hopping. */
export async function openHop(host: Host, opts: ConnectOptions, sock?: Readable, via?: string): Promise<Client> {
  const pins = pinsOf(host);
  const auth = await authOf(host, opts);
  const address = dialAddress(host);
  const facts: HandshakeFacts = {
    host: host.name,
    target: `${address}:${host.ssh.port}${via ? ` via ${via}` : ''}`,
    pins,
    rejected: false,
  };
  const client = new SshClient();
  const config: ConnectConfig = {
    host: address,
    port: host.ssh.port,
    username: host.ssh.user,
    readyTimeout: opts.timeouts?.connectMs ?? host.ssh.connectTimeoutMs,
    keepaliveInterval: 10_000,
    keepaliveCountMax: 3,
    algorithms: {
      kex: KEX,
      serverHostKey: (pins.length ? hostKeyAlgorithms(pins) : ALL_HOST_KEY_ALGORITHMS) as ServerHostKeyAlgorithm[],
    },
    // Raw key blob in, yes/no out. An unpinned host is still dialled so the error can name the
    // key it offered, but the handshake stops here: no auth, no channel, nothing read.
    hostVerifier: (key: Buffer) => {
      facts.offered = key;
      const ok = matchesPin(key, pins);
      if (!ok) facts.rejected = true;
      return ok;
    },
    ...auth,
  };
  if (sock) config.sock = sock;
  return await new Promise<Client>((resolve, reject) => {
    const onError = (err: unknown) => {
      done();
      destroyClient(client);
      reject(classifyConnectError(err, facts));
    };
    const onClose = () => onError(new Error('connection closed by the server before authentication completed'));
    const onReady = () => {
      done();
      resolve(client);
    };
    const done = () => {
      client.off('error', onError).off('close', onClose).off('ready', onReady);
      // ssh2 emits 'error' events for the life of the client; an unheard one would crash the
      // process. The session installs its own listeners; this one only keeps us alive.
      client.on('error', () => {});
    };
    client.on('error', onError).on('close', onClose).on('ready', onReady);
    try {
      client.connect(config);
    } catch (err) {
      onError(err);
    }
  });
}

function forwardOut(client: Client, address: string, port: number, timeoutMs: number): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('forwarding through the jump host timed out'), { level: 'client-timeout' })), timeoutMs);
    client.forwardOut('127.0.0.1', 0, address, port, (err, stream) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(stream);
    });
  });
}

/**
 * Opens the chain of clients to `host`: [first jump, …, host], or [host] plus a lease on a
 * shared jump connection. Every hop is verified with its own pins. On any failure every client
 * opened so far is destroyed (and a lease released).
 */
export async function openChain(host: Host, opts: ConnectOptions, seen: string[] = []): Promise<Chain> {
  const jumpName = host.ssh.jump;
  if (!jumpName) return { clients: [await openHop(host, opts)] };
  if (seen.includes(host.name) || seen.length >= MAX_HOPS) {
    throw new TransportError('SSH_CONFIG', host.name, `${host.name}: jump hosts loop or nest too deep (${[...seen, host.name].join(' → ')})`);
  }
  const jump = opts.resolveHost(jumpName);
  if (!jump) throw new TransportError('SSH_CONFIG', host.name, `${host.name}: jump host ${jumpName} is not in the inventory`);
  let via: Chain;
  let last: Client;
  try {
    if (opts.jumps) {
      const lease = await opts.jumps.acquire(jump, opts, [...seen, host.name]);
      via = { clients: [], lease };
      last = lease.client;
    } else {
      via = await openChain(jump, opts, [...seen, host.name]);
      last = via.clients[via.clients.length - 1]!;
    }
  } catch (err) {
    const code = err instanceof TransportError ? err.code : 'SSH_PROTOCOL';
    throw new TransportError(code, host.name, `${host.name}: via jump host ${jumpName}: ${(err as Error).message}`, { cause: err });
  }
  const address = dialAddress(host);
  try {
    const timeout = opts.timeouts?.connectMs ?? host.ssh.connectTimeoutMs;
    let stream: Readable;
    try {
      stream = await forwardOut(last, address, host.ssh.port, timeout);
    } catch (err) {
      throw classifyConnectError(err, { host: host.name, target: `${address}:${host.ssh.port} via ${jumpName}`, pins: [], rejected: false });
    }
    const target = await openHop(host, opts, stream, jumpName);
    return via.lease ? { clients: [target], lease: via.lease } : { clients: [...via.clients, target] };
  } catch (err) {
    for (const c of via.clients) destroyClient(c);
    via.lease?.release();
    throw err;
  }
}
