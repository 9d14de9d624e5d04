// One OpenSSH server per lab host (own host key, address and PID file), key-only root login, and
// the client side: one identity, a known_hosts pinning all three, and `sshExec` for tests.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { ADDR, SSH_HOSTS, ZONE } from './layout.ts';
import type { Layout, SshHost } from './layout.ts';
import { ensureSshKey, writeFileMode } from './keys.ts';
import { run } from './run.ts';
import type { RunResult } from './run.ts';

function sshdConfig(l: Layout, h: SshHost): string {
  const p = l[h];
  return `# written by the mailtls lab (test/lab/sshd.ts)
ListenAddress ${ADDR[h]}:22
HostKey ${p.hostKey}
PidFile ${p.sshdPid}
AuthorizedKeysFile ${l.ssh.authorizedKeys}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
Subsystem sftp internal-sftp
MaxSessions 50
MaxStartups 300
PrintMotd no
PrintLastLog no
UseDNS no
X11Forwarding no
LogLevel INFO
`;
}

export async function prepareSsh(l: Layout): Promise<void> {
  mkdirSync(l.ssh.dir, { recursive: true, mode: 0o700 });
  await ensureSshKey(l.ssh.identity, 'mailtls-lab-client');
  writeFileMode(l.ssh.authorizedKeys, readFileSync(l.ssh.identityPub), 0o600);
  // Privilege separation directory that Debian's sshd insists on.
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const known: string[] = [];
  for (const h of SSH_HOSTS) {
    mkdirSync(l[h].sshdDir, { recursive: true, mode: 0o700 });
    await ensureSshKey(l[h].hostKey, `mailtls-lab-${h}`);
    writeFileMode(l[h].sshdConfig, sshdConfig(l, h), 0o600);
    const [type, key] = readFileSync(`${l[h].hostKey}.pub`, 'utf8').trim().split(/\s+/);
    // Port 22: the plain address form, as ssh-keyscan prints it; plus the host's DNS name.
    known.push(`${ADDR[h]} ${type} ${key}`, `${h}.${ZONE} ${type} ${key}`);
  }
  writeFileSync(l.ssh.knownHosts, known.join('\n') + '\n', { mode: 0o644 });
}

export function sshdArgv(l: Layout, h: SshHost): string[] {
  return ['/usr/sbin/sshd', '-f', l[h].sshdConfig, '-E', l[h].sshdLog];
}

/** Quotes one argument for the remote POSIX shell. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The system `ssh` client with the lab's identity and pinned host keys, nothing else. */
export function sshArgv(l: Layout, h: SshHost): string[] {
  return ['ssh', '-F', '/dev/null', '-i', l.ssh.identity, '-o', 'IdentitiesOnly=yes',
    '-o', `UserKnownHostsFile=${l.ssh.knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5',
    '-o', 'KexAlgorithms=curve25519-sha256', '-o', 'LogLevel=ERROR', `root@${ADDR[h]}`];
}

/** Runs argv on a lab host over SSH (each argument quoted for the remote shell). */
export function sshExecWith(l: Layout, h: SshHost, argv: string[], input?: string | Buffer): Promise<RunResult> {
  return run([...sshArgv(l, h), '--', argv.map(shellQuote).join(' ')], { input, timeoutMs: 60_000 });
}
