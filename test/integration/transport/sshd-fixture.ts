// Throwaway OpenSSH servers for the transport tests: own temp dir, own host keys, own client
// identity, DEBUG1 log (so a test can prove what the server did or did not do), killed by
// stop(). Independent of the lab so tests can change keys and break things freely.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host, SecretRef } from '../../../src/inventory/types.ts';
import type { ConnectOptions } from '../../../src/transport/ssh/index.ts';

export interface Sshd {
  addr: string;
  port: number;
  dir: string;
  /** `type base64` lines of the server's host keys, by type. */
  hostKeys: { ed25519: string; rsa: string };
  /** Client identity allowed to log in as root. */
  identity: string;
  /** Where the stub `sudo` writes the argv it was given. */
  sudoLog: string;
  log(): string;
  stop(): Promise<void>;
}

function keygen(path: string, type: 'ed25519' | 'rsa'): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', '', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
}

/** A client identity in its own file (another "user"), for wrong-key tests. */
export function makeIdentity(dir: string, name: string): string {
  const p = join(dir, name);
  keygen(p, 'ed25519');
  return p;
}

/** Waits for OUR sshd to log that it bound the port (a banner could come from someone else's). */
function waitForListening(logFile: string, addr: string, port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  const line = `Server listening on ${addr} port ${port}.`;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes(line)) return resolve();
      if (Date.now() > until) return reject(new Error(`sshd on ${addr}:${port} did not start`));
      setTimeout(poll, 25);
    };
    poll();
  });
}

async function startOn(addr: string, port: number): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-sshd-'));
  const ed = keygen(join(dir, 'host_ed25519'), 'ed25519');
  const rsa = keygen(join(dir, 'host_rsa'), 'rsa');
  const identity = makeIdentity(dir, 'id_ed25519');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${identity}.pub`), { mode: 0o600 });
  // A stub sudo that records its argv and runs the rest: proves `sudo -n --` without a real sudo.
  mkdirSync(join(dir, 'bin'));
  const sudoLog = join(dir, 'sudo.log');
  writeFileSync(join(dir, 'bin', 'sudo'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${sudoLog}\n[ "$1" = -n ] && [ "$2" = -- ] || exit 99\nshift 2\nexec "$@"\n`);
  chmodSync(join(dir, 'bin', 'sudo'), 0o755);
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${addr}:${port}`,
      `HostKey ${join(dir, 'host_ed25519')}`,
      `HostKey ${join(dir, 'host_rsa')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no', // the temp dir lives under world-writable /tmp
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // umask 000 for SFTP: a file created without an explicit mode would come out 0666, so the
      // mode tests can tell "created with its mode" from "chmod-ed afterwards".
      'Subsystem sftp internal-sftp -u 000',
      `SetEnv PATH=${join(dir, 'bin')}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
      'MaxSessions 20',
      'MaxStartups 100',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel DEBUG1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const logFile = join(dir, 'sshd.log');
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', logFile], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      waitForListening(logFile, addr, port, 5000),
      exited.then(() => Promise.reject(new Error(`sshd on ${addr}:${port} exited at start`))),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}: ${log}`);
  }
  return {
    addr,
    port,
    dir,
    hostKeys: { ed25519: ed, rsa },
    identity,
    sudoLog,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      // Only the listener we started; its per-connection children exit with their sockets.
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts an sshd on `addr`, port 2222 or the next free one (several people may run the
 * integration tier at once on this machine).
 */
export async function startSshd(addr: string): Promise<Sshd> {
  let last: unknown;
  for (let port = 2222; port < 2242; port++) {
    if (!(await portIsFree(addr, port))) continue;
    try {
      return await startOn(addr, port);
    } catch (err) {
      last = err; // lost a race for the port: try the next one
    }
  }
  throw last ?? new Error(`no free port for sshd on ${addr}`);
}

/** A port on `addr` that nothing listens on right now (for "connection refused" tests). */
export async function freePort(addr: string): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, addr, () => r()));
  const a = srv.address();
  await new Promise((r) => srv.close(r));
  return typeof a === 'object' && a ? a.port : 0;
}

function portIsFree(addr: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, addr, () => srv.close(() => resolve(true)));
  });
}

const LOC = { file: 'test', line: 1, column: 1 };

/** An inventory Host for a fixture server; `ssh` fields can be overridden per test. */
export function hostFor(name: string, d: Pick<Sshd, 'addr' | 'port' | 'hostKeys' | 'identity'>, ssh: Partial<Host['ssh']> = {}): Host {
  return {
    name,
    addresses: [d.addr],
    services: [],
    loc: LOC,
    ssh: {
      port: d.port,
      user: 'root',
      identity: { kind: 'file', path: d.identity },
      hostKeys: [d.hostKeys.ed25519],
      sudo: false,
      connectTimeoutMs: 5000,
      loc: LOC,
      ...ssh,
    },
  };
}

/** ConnectOptions over a small host table; secrets read from files (and env) as the CLI would. */
export function optionsFor(hosts: Host[], timeouts: ConnectOptions['timeouts'] = {}): ConnectOptions {
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return {
    resolveHost: (n) => byName.get(n),
    readSecret: async (ref: SecretRef) => {
      if (ref.kind === 'file') return readFileSync(ref.path);
      const v = process.env[ref.name];
      if (v === undefined) throw new Error(`environment variable ${ref.name} is not set`);
      return v;
    },
    timeouts,
  };
}
