// Runs one child process and measures it: wall seconds, and peak RSS from `/usr/bin/time -v`
// when that is installed (NaN otherwise). Shared by the status and apply benchmarks.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const TIME = '/usr/bin/time';

export interface Timed {
  seconds: number;
  maxRssMb: number;
  exit: number;
  stdout: string;
  stderr: string;
}

export function runTimed(argv: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Timed> {
  const [cmd, ...args] = existsSync(TIME) ? [TIME, '-v', ...argv] : argv;
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd!, args, { ...(opts.cwd ? { cwd: opts.cwd } : {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      done({ seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, exit: code ?? -1, stdout, stderr });
    });
  });
}
