// How many "connect + read two files + close" cycles per second the SSH transport does against
// the lab's mx1 sshd. Prints numbers, asserts nothing (compare with perf-anchors.md: ssh2 + SFTP
// + both files ≈ 72/s whole-box on the lab VM at concurrency 16).
//   node --import tsx bench/ssh.ts [--seconds 10] [--concurrency 16] [--host mx1|mx2|npm]
import { readFileSync } from 'node:fs';
import { labEnv, labUp } from '../test/lab/index.ts';
import { connectHost } from '../src/transport/ssh/index.ts';
import type { Host, SecretRef } from '../src/inventory/types.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export interface SshBenchResult {
  host: string;
  concurrency: number;
  seconds: number;
  cycles: number;
  failures: number;
  perSecond: number;
  clientCpuMsPerCycle: number;
  maxRssMb: number;
  p50Ms: number;
  p95Ms: number;
}

export async function benchSsh(opts: { seconds: number; concurrency: number; host: 'mx1' | 'mx2' | 'npm' }): Promise<SshBenchResult> {
  await labUp();
  const env = labEnv();
  const lab = env.hosts[opts.host];
  const postfix = env.hosts[opts.host === 'mx2' ? 'mx2' : 'mx1'].services.postfix;
  const files = opts.host === 'npm'
    ? [`${env.hosts.npm.live}/cert.pem`, `${env.hosts.npm.live}/privkey.pem`]
    : [postfix.cert, postfix.key];
  const loc = { file: 'bench', line: 1, column: 1 };
  const host: Host = {
    name: opts.host,
    addresses: [lab.address],
    services: [],
    loc,
    ssh: {
      port: lab.sshPort, user: env.ssh.user, identity: { kind: 'file', path: env.ssh.identity },
      hostKeys: [lab.hostKey!], sudo: false, connectTimeoutMs: 10_000, loc,
    },
  };
  const key = readFileSync(env.ssh.identity); // read once, as a real run would
  const connectOpts = { resolveHost: () => undefined, readSecret: async (_: SecretRef) => key };

  const latencies: number[] = [];
  let failures = 0;
  let maxRss = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const until = t0 + opts.seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const s0 = performance.now();
      try {
        const s = await connectHost(host, connectOpts);
        try {
          await Promise.all(files.map((f) => s.readFile(f)));
        } finally {
          await s.close();
        }
        latencies.push(performance.now() - s0);
      } catch {
        failures++;
      }
      maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return {
    host: `${opts.host} (${lab.address})`,
    concurrency: opts.concurrency,
    seconds: Number(wall.toFixed(2)),
    cycles: latencies.length,
    failures,
    perSecond: Number((latencies.length / wall).toFixed(1)),
    clientCpuMsPerCycle: Number(((cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length)).toFixed(2)),
    maxRssMb: Math.round(maxRss / 1024 / 1024),
    p50Ms: Number(pct(0.5).toFixed(1)),
    p95Ms: Number(pct(0.95).toFixed(1)),
  };
}

const isMain = process.argv[1]?.endsWith('bench/ssh.ts');
if (isMain) {
  const host = arg('host', 'mx1');
  if (host !== 'mx1' && host !== 'mx2' && host !== 'npm') throw new Error('--host must be mx1, mx2 or npm');
  const r = await benchSsh({ seconds: Number(arg('seconds', '10')), concurrency: Number(arg('concurrency', '16')), host });
  console.log(
    `ssh connect + read 2 files + close against ${r.host}, concurrency ${r.concurrency}, ${r.seconds} s:\n` +
      `  ${r.perSecond} cycles/s (${r.cycles} done, ${r.failures} failed), latency p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms\n` +
      `  client CPU ${r.clientCpuMsPerCycle} ms per cycle, max RSS ${r.maxRssMb} MB`,
  );
}
