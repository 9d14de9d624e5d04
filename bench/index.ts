// `npm run bench -- <name> [args]`: runs one benchmark script. Benchmarks print numbers and
// assert nothing (DESIGN.md).
import { spawnSync } from 'node:child_process';
import { benchApply } from './apply.ts';
import { benchProbe } from './probe.ts';
import { benchStatus } from './status.ts';

const benches: Record<string, (argv: string[]) => Promise<void>> = {
  status: benchStatus,
  apply: benchApply,
  probe: benchProbe,
  // bench/ssh.ts runs as its own script.
  ssh: async (argv) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/ssh.ts', ...argv], { stdio: 'inherit' });
    if (r.status) process.exitCode = r.status;
  },
};

const [name, ...rest] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
  process.exitCode = 1;
} else {
  bench(rest).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
