// Processes the lab started: PID files, liveness (checked against the expected program so a
// recycled PID is never mistaken for ours), process trees, and stopping by PID.
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, openSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { sleep } from './run.ts';

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const n = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The program name of a process (from /proc/PID/exe, else argv[0]); undefined if gone. */
function programOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return undefined; // zombie: as good as gone
  } catch {
    return undefined;
  }
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    try {
      return basename(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
    } catch {
      return undefined;
    }
  }
}

/** The PID from the file when that process is alive and runs `program`. */
export function livePid(pidFile: string, program: string): number | undefined {
  const pid = readPid(pidFile);
  if (!pid) return undefined;
  const prog = programOf(pid);
  return prog && prog.startsWith(program) ? pid : undefined;
}

export function alive(pid: number): boolean {
  return programOf(pid) !== undefined;
}

/** The PID and every descendant (children of Postfix master, Dovecot, sshd sessions, …). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // exited while we looked
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

/**
 * SIGTERM the process, then what is left of its tree (sshd sessions outlive their listener),
 * SIGKILL the rest; true when all are gone.
 */
export async function stopTree(pid: number, waitMs = 8_000): Promise<boolean> {
  const tree = processTree(pid);
  const signal = (sig: NodeJS.Signals, pids: number[]) => {
    for (const p of pids) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (tree.every((p) => !alive(p))) return true;
      await sleep(50);
    }
    return false;
  };
  signal('SIGTERM', [pid]);
  if (await gone(3_000)) return true;
  signal('SIGTERM', tree.filter(alive));
  if (await gone(waitMs - 3_000)) return true;
  signal('SIGKILL', tree.filter(alive));
  return gone(1_000);
}

/** Starts a foreground daemon detached, output to `log`, and writes its PID file ourselves. */
export function spawnDaemon(argv: string[], pidFile: string, log: string, env: NodeJS.ProcessEnv = {}): number {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('spawnDaemon: empty argv');
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...env },
  });
  if (!child.pid) throw new Error(`cannot start ${cmd}`);
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

export function removeStale(pidFile: string): void {
  rmSync(pidFile, { force: true });
}

/**
 * Runs a command that daemonizes itself (sshd, knotd -d, postfix start, dovecot, unbound). Its
 * output goes to the log file, not to pipes: a daemon that keeps an inherited pipe open would
 * make us wait forever. Resolves with the exit code of the starting process.
 */
export function startDaemonizing(argv: string[], log: string, timeoutMs = 30_000): Promise<number | null> {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error('startDaemonizing: empty argv');
  return new Promise((resolve, reject) => {
    const fd = openSync(log, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}
