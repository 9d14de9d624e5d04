// Wall time and peak memory of `mailtls apply --auto-approve` deploying to N inventory hosts,
// one child process per N, measured by /usr/bin/time -v (else the child's own clock). Prints
// numbers, asserts nothing.
//   npm run bench -- apply [--hosts N]... [--parallelism 16]
// The N hosts all reach the lab's mx1 sshd (same address, pinned key); each has its own file
// pair under <lab>/bench/<host>/ and its own state dir (lock, manifest). The service's daemon
// check and reload are `true`: a real command over SSH, without reloading a daemon N times.
// Verify probes one real endpoint, mx1's Postfix on 465, which serves the lab's baseline
// certificate — the one deployed here — so each host's verify passes on its first probe.
// A second apply of the same inventory measures the idempotent run (nothing to do).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { runTimed } from './timed-child.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { labEnv, labUp, sourceVersion } from '../test/lab/index.ts';
import { hostKeyOf } from '../test/integration/status/lab-inventory.ts';


function benchDir(): string {
  return join(labEnv().dir, 'bench');
}

export function applyBenchInventory(n: number, dir: string): string {
  const env = labEnv();
  const mx1 = env.hosts.mx1;
  const hosts: Record<string, unknown> = {
    npm: { address: env.hosts.npm.address, ssh: { host_keys: [hostKeyOf(env.hosts.npm.address)] } },
  };
  for (let i = 0; i < n; i++) {
    const name = `bench${String(i).padStart(4, '0')}`;
    const files = join(benchDir(), name);
    mkdirSync(files, { recursive: true, mode: 0o755 });
    hosts[name] = {
      address: mx1.address,
      ssh: { host_keys: [hostKeyOf(mx1.address)] },
      services: {
        postfix: {
          mode: 'postfix', certificate: 'mail',
          files: { cert: join(files, 'cert.pem'), key: join(files, 'key.pem') },
          validate: [['true']], reload: [['true']],
          endpoints: [{ port: 465, sni: mx1.name }],
        },
      },
    };
  }
  const inv = {
    version: 1,
    defaults: { ssh: { user: env.ssh.user, identity: `file:${env.ssh.identity}` } },
    hosts,
    certificates: { mail: { names: env.certificate.names, key: { algorithm: 'ecdsa', reuse: true }, source: { type: 'remote', host: 'npm', dir: env.hosts.npm.live } } },
  };
  const path = join(dir, 'hosts.yaml');
  writeFileSync(path, stringify(inv));
  return path;
}

interface Result { seconds: number; maxRssMb: number; exit: number; applied: number; failed: number; why: string }

async function runApply(inv: string, cwd: string, parallelism: number): Promise<Result> {
  const argv = [process.execPath, resolve('bin/mailtls.js'), 'apply', '-f', inv, '--auto-approve', '--format', 'json', '--parallelism', String(parallelism), '--state-dir', join(benchDir(), '{host}', 'state')];
  // cwd: a temp dir, so the run's journal (.mailtls/journal) stays out of the repository.
  const t = await runTimed(argv, { cwd, env: { CI: '1' } });
  let s = { applied: -1, failed: -1, why: '' };
  try {
    const r = JSON.parse(t.stdout) as { summary: Record<string, number>; hosts?: { problems: { code: string; severity: string }[] }[] };
    // Which problems the failed hosts had, counted by code (why a run was not clean).
    const codes = new Map<string, number>();
    for (const p of (r.hosts ?? []).flatMap((h) => h.problems).filter((x) => x.severity === 'error')) codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
    const why = [...codes].map(([c, n]) => `${c} x${n}`).join(', ');
    s = { applied: r.summary.applied ?? 0, failed: (r.summary.failed ?? 0) + (r.summary['rolled-back'] ?? 0) + (r.summary['failed-rollback'] ?? 0) + (r.summary.skipped ?? 0), why };
  } catch {
    // a crash or a refusal: -1, and the exit code says why
    process.stderr.write(t.stderr.split('\n').filter((l) => /error|refused/i.test(l)).slice(0, 5).join('\n') + '\n');
  }
  return { seconds: t.seconds, maxRssMb: t.maxRssMb, exit: t.exit, ...s };
}

function parse(argv: string[]): { sizes: number[]; parallelism: number } {
  const sizes: number[] = [];
  let parallelism = 16;
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--hosts' && Number.isInteger(v) && v > 0) {
      sizes.push(v);
      i++;
    } else if (argv[i] === '--parallelism' && Number.isInteger(v) && v > 0) {
      parallelism = v;
      i++;
    } else throw new Error(`usage: npm run bench -- apply [--hosts N]... [--parallelism N] (bad ${argv[i]})`);
  }
  return { sizes: sizes.length ? sizes : [10, 50, 200], parallelism };
}

export async function benchApply(argv: string[]): Promise<void> {
  const o = parse(argv);
  await labUp();
  if (sourceVersion() !== 1) console.log(`note: the npm source is at version ${sourceVersion()}, not the baseline; verify expects mx1:465 to serve what is deployed`);
  console.log(`mailtls apply --auto-approve to N hosts (all = lab mx1's sshd; 1 service, cert + key each under ${benchDir()}/<host>/;`);
  console.log(`validate and reload = \`true\` over SSH; verify probes mx1:465, which serves the deployed certificate), parallelism ${o.parallelism}, Node ${process.version}`);
  console.log('    N   deploy wall s   peak RSS MiB   exit   applied   failed   |  2nd apply (no-op) wall s   peak RSS MiB');
  try {
    for (const n of o.sizes) {
      rmSync(benchDir(), { recursive: true, force: true });
      const work = mkdtempSync(join(tmpdir(), 'mailtls-bench-apply-'));
      try {
        const inv = applyBenchInventory(n, work);
        const r = await runApply(inv, work, o.parallelism);
        const again = await runApply(inv, work, o.parallelism);
        console.log(`${String(n).padStart(5)}  ${r.seconds.toFixed(2).padStart(14)}  ${r.maxRssMb.toFixed(1).padStart(13)}  ${String(r.exit).padStart(5)}  ${String(r.applied).padStart(8)}  ${String(r.failed).padStart(7)}   |  ${again.seconds.toFixed(2).padStart(24)}  ${again.maxRssMb.toFixed(1).padStart(13)}`);
        for (const [label, x] of [['deploy', r], ['2nd apply', again]] as const) if (x.why) console.log(`       ${label}: ${x.why}`);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(benchDir(), { recursive: true, force: true });
  }
}
