// Wall time and peak memory of `mailtls status` over N inventory hosts that all point at the
// lab's mx1 (the same address, sshd and services under different names), one child process per
// N, measured by /usr/bin/time -v (else the child's own clock). Prints numbers, asserts nothing.
//   npm run bench -- status [--hosts N]... [--parallelism 16] [--profile full|anchor]
// `--profile anchor` does exactly the per-host checks of shared/research/perf-anchors.md (read
// cert + key over SFTP, key↔cert, SMTP STARTTLS on 25 and IMAPS on 993, no DNS), so its wall
// time compares with the in-process Node floor measured there (4.8 s at N=200).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { runTimed } from './timed-child.ts';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { labEnv, labUp } from '../test/lab/index.ts';
import { hostKeyOf } from '../test/integration/status/lab-inventory.ts';


export type Profile = 'full' | 'anchor';

export function benchInventory(n: number, profile: Profile = 'full'): string {
  const env = labEnv();
  const mx1 = env.hosts.mx1;
  const eps = (list: typeof mx1.services.postfix.endpoints, dane: boolean) =>
    list.map((e) => ({ port: e.port, ...(e.starttls ? { starttls: e.starttls } : {}), sni: mx1.name, ...(dane && e.port === 25 ? { dane: true } : {}) }));
  const hosts: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const name = `bench${String(i).padStart(4, '0')}`;
    if (profile === 'anchor') {
      hosts[name] = {
        address: mx1.address,
        ssh: { host_keys: [hostKeyOf(mx1.address)] },
        services: {
          mail: { mode: 'postfix', certificate: 'mail', files: { cert: mx1.services.postfix.cert, key: mx1.services.postfix.key }, reload: [mx1.services.postfix.reload], endpoints: [{ port: 25, starttls: 'smtp', sni: mx1.name }, { port: 993, sni: mx1.name }] },
        },
      };
      continue;
    }
    hosts[name] = {
      address: mx1.address,
      ssh: { host_keys: [hostKeyOf(mx1.address)] },
      services: {
        postfix: { mode: 'postfix', certificate: 'mail', files: { cert: mx1.services.postfix.cert, key: mx1.services.postfix.key }, reload: [mx1.services.postfix.reload], endpoints: eps(mx1.services.postfix.endpoints, true) },
        dovecot: { mode: 'dovecot', certificate: 'mail', files: { cert: mx1.services.dovecot.cert, key: mx1.services.dovecot.key }, reload: [mx1.services.dovecot.reload], endpoints: eps(mx1.services.dovecot.endpoints, false) },
      },
    };
  }
  const ns = (a: { address: string; port: number }) => `${a.address}:${a.port}`;
  const inv: Record<string, unknown> = {
    version: 1,
    defaults: { ssh: { user: env.ssh.user, identity: `file:${env.ssh.identity}` } },
    hosts,
    certificates: { mail: { names: env.certificate.names, key: { algorithm: 'ecdsa', reuse: true }, source: { type: 'files', cert: '/dev/null', key: 'file:/dev/null' } } },
    dns: {
      resolver: ns(env.dns.resolver),
      zones: { [env.dns.zone]: { provider: 'rfc2136', primary: ns(env.dns.primary), authoritative: [ns(env.dns.primary), ns(env.dns.secondary)] } },
      tlsa: [{ name: mx1.name, port: 25 }],
    },
  };
  if (profile === 'anchor') delete inv.dns;
  const path = join(mkdtempSync(join(tmpdir(), 'mailtls-bench-')), 'hosts.yaml');
  writeFileSync(path, stringify(inv));
  return path;
}

interface Result { n: number; seconds: number; maxRssMb: number; exit: number; unreachable: number; endpointsFailed: number; endpoints: number }

async function runStatus(inv: string, n: number, parallelism: number): Promise<Result> {
  const argv = [process.execPath, resolve('bin/mailtls.js'), 'status', '-f', inv, '--format', 'json', '--parallelism', String(parallelism)];
  const r = await runTimed(argv);
  let summary: { unreachable: number; endpoints_failed: number; endpoints: number } = { unreachable: -1, endpoints_failed: -1, endpoints: -1 };
  try {
    summary = JSON.parse(r.stdout).summary;
  } catch {
    // a crash: the numbers say -1 and the exit code says why
  }
  return { n, seconds: r.seconds, maxRssMb: r.maxRssMb, exit: r.exit, unreachable: summary.unreachable, endpointsFailed: summary.endpoints_failed, endpoints: summary.endpoints };
}

function parse(argv: string[]): { sizes: number[]; parallelism: number; profile: Profile } {
  const sizes: number[] = [];
  let parallelism = 16;
  let profile: Profile = 'full';
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--hosts' && Number.isInteger(v) && v > 0) {
      sizes.push(v);
      i++;
    } else if (argv[i] === '--parallelism' && Number.isInteger(v) && v > 0) {
      parallelism = v;
      i++;
    } else if (argv[i] === '--profile' && (argv[i + 1] === 'full' || argv[i + 1] === 'anchor')) {
      profile = argv[++i] as Profile;
    } else throw new Error(`usage: npm run bench -- status [--hosts N]... [--parallelism N] [--profile full|anchor] (bad ${argv[i]})`);
  }
  return { sizes: sizes.length ? sizes : [10, 50, 200], parallelism, profile };
}

export async function benchStatus(argv: string[]): Promise<void> {
  const o = parse(argv);
  await labUp();
  const what = o.profile === 'anchor'
    ? 'perf-anchors checks: 1 file set, SMTP STARTTLS + IMAPS, no DNS; Node floor there: 4.8 s at N=200'
    : '8 endpoints, 2 file sets, TLSA each';
  console.log(`mailtls status over N hosts (all = lab mx1; ${what}), parallelism ${o.parallelism}, Node ${process.version}`);
  console.log('    N   wall s   peak RSS MiB   exit   unreachable   endpoints failed/total');
  for (const n of o.sizes) {
    const r = await runStatus(benchInventory(n, o.profile), n, o.parallelism);
    console.log(`${String(n).padStart(5)}  ${r.seconds.toFixed(2).padStart(7)}  ${r.maxRssMb.toFixed(1).padStart(13)}  ${String(r.exit).padStart(5)}  ${String(r.unreachable).padStart(12)}  ${String(r.endpointsFailed).padStart(10)}/${r.endpoints}`);
  }
}
