// Tight local loops in worker threads that watch a file while the main thread drives SFTP:
// one samples its permission bits, one reads it whole and checks it is always a complete
// known version. The sshd is on this machine, so the local filesystem shows what SFTP did.
import { Worker } from 'node:worker_threads';

export interface Watch<R> {
  stop(): Promise<R>;
}

function start<R>(code: string, data: Record<string, unknown>): Watch<R> {
  const stopFlag = new SharedArrayBuffer(4);
  const w = new Worker(code, { eval: true, workerData: { ...data, stopFlag } });
  const result = new Promise<R>((resolve, reject) => {
    w.once('message', (m: R) => resolve(m));
    w.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(new Int32Array(stopFlag), 0, 1);
      const r = await result;
      await w.terminate();
      return r;
    },
  };
}

/** Every distinct `mode & 0o7777` the path had while watched, and how many samples saw it. */
export function watchModes(path: string): Watch<{ modes: number[]; samples: number }> {
  return start(
    `const { parentPort, workerData } = require('node:worker_threads');
     const fs = require('node:fs');
     const stop = new Int32Array(workerData.stopFlag);
     const modes = new Set(); let samples = 0;
     while (Atomics.load(stop, 0) === 0) {
       try { modes.add(fs.lstatSync(workerData.path).mode & 0o7777); samples++; } catch {}
     }
     parentPort.postMessage({ modes: [...modes], samples });`,
    { path },
  );
}

/** Reads `path` in a loop; counts reads that were not byte-equal to one of `versions` (or failed). */
export function watchContents(path: string, versions: Buffer[]): Watch<{ reads: number; bad: number; examples: string[] }> {
  return start(
    `const { parentPort, workerData } = require('node:worker_threads');
     const fs = require('node:fs');
     const stop = new Int32Array(workerData.stopFlag);
     const versions = workerData.versions.map((v) => Buffer.from(v));
     let reads = 0, bad = 0; const examples = [];
     while (Atomics.load(stop, 0) === 0) {
       let b;
       try { b = fs.readFileSync(workerData.path); } catch (e) { bad++; if (examples.length < 3) examples.push(e.code); continue; }
       reads++;
       if (!versions.some((v) => v.equals(b))) { bad++; if (examples.length < 3) examples.push('torn read of ' + b.length + ' bytes'); }
     }
     parentPort.postMessage({ reads, bad, examples });`,
    { path, versions: versions.map((v) => new Uint8Array(v)) },
  );
}
