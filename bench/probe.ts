// Handshakes per second of probeEndpoint against the lab's real daemons: Postfix SMTP STARTTLS
// (mx1:25) and Dovecot IMAPS (mx1:993). Prints numbers, asserts nothing.
//   node --import tsx bench/probe.ts [--seconds 10] [--concurrency 16] [--runs 3]
import { pathToFileURL } from 'node:url';
import { labEnv } from '../test/lab/env.ts';
import { probeEndpoint } from '../src/probe/tls/index.ts';
import type { ProbeRequest } from '../src/probe/tls/index.ts';

interface Options { seconds: number; concurrency: number; runs: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 10, concurrency: 16, runs: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]?.replace(/^--/, '') as keyof Options;
    const v = Number(argv[i + 1]);
    if (!(k in o) || !Number.isFinite(v) || v <= 0) throw new Error(`usage: bench/probe.ts [--seconds N] [--concurrency N] [--runs N] (bad ${argv[i]})`);
    o[k] = v;
  }
  return o;
}

interface Run { perSecond: number; ok: number; failed: number; cpuMsPerHandshake: number; firstError?: string }

async function runOnce(req: ProbeRequest, o: Options): Promise<Run> {
  const end = Date.now() + o.seconds * 1000;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (Date.now() < end) {
      const r = await probeEndpoint(req);
      if (r.ok) ok++;
      else {
        failed++;
        firstError ??= `${r.error?.code}: ${r.error?.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const n = ok + failed;
  return { perSecond: ok / secs, ok, failed, cpuMsPerHandshake: n ? (cpu.user + cpu.system) / 1000 / n : 0, firstError };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchProbe(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const mx1 = labEnv().hosts.mx1;
  const cases: Array<[string, ProbeRequest]> = [
    ['Postfix SMTP STARTTLS mx1:25', { address: mx1.address, port: 25, starttls: 'smtp', sni: mx1.name, timeoutMs: 10_000 }],
    ['Dovecot IMAPS mx1:993', { address: mx1.address, port: 993, sni: mx1.name, timeoutMs: 10_000 }],
  ];
  console.log(`probeEndpoint handshakes/s: concurrency ${o.concurrency}, ${o.seconds} s per run, ${o.runs} runs (Node ${process.version})`);
  for (const [name, req] of cases) {
    await runOnce(req, { ...o, seconds: Math.min(1, o.seconds) }); // warm-up
    const runs: Run[] = [];
    for (let i = 0; i < o.runs; i++) runs.push(await runOnce(req, o));
    const rates = runs.map((r) => r.perSecond);
    const failed = runs.reduce((s, r) => s + r.failed, 0);
    const err = runs.find((r) => r.firstError)?.firstError;
    console.log(
      `${name.padEnd(30)} ${median(rates).toFixed(0).padStart(5)}/s median (${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}), ` +
        `client CPU ${median(runs.map((r) => r.cpuMsPerHandshake)).toFixed(2)} ms/handshake, ${failed} failed${err ? ` (first: ${err})` : ''}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchProbe(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
