// Several people (and every integration test file) may run `up` at once: one at a time.
import { mkdirSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPid } from './procs.ts';
import { sleep } from './run.ts';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withLock<T>(path: string, fn: () => Promise<T>, waitMs = 5 * 60_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch {
      const holder = readPid(path);
      if (holder !== undefined && holder !== process.pid && !pidAlive(holder)) {
        rmSync(path, { force: true }); // left by a process that died
        continue;
      }
      if (Date.now() > deadline) throw new Error(`lab is locked by PID ${holder} (${path})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
