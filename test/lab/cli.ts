// npm run lab -- up | down | status | env [--format json|shell] | renew [--new-key]
import { up, down, status } from './lab.ts';
import { labEnv, envShell } from './env.ts';
import { renewSourceWith } from './source.ts';
import { layout } from './layout.ts';
import { NotRootError } from './packages.ts';
import { withLock } from './lock.ts';

const log = (s: string) => console.error(`lab: ${s}`);
const [verb, ...rest] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (verb) {
    case 'up': {
      const r = await up({ log });
      const all = await status(undefined, true);
      const bad = all.filter((c) => !c.healthy);
      for (const c of bad) log(`${c.id} is not healthy`);
      for (const e of all.flatMap((c) => c.endpoints).filter((x) => x.tlsOk === false)) {
        log(`warning: ${e.label} ${e.address}:${e.port}: ${e.detail}`);
      }
      console.log(`lab up in ${r.seconds.toFixed(1)}s: ${r.started.length} started, ${r.reused.length} already running`);
      return bad.length ? 1 : 0;
    }
    case 'down': {
      const r = await down({ log });
      if (r.leftovers.length) {
        console.log(`lab down, but PIDs still alive: ${r.leftovers.join(' ')}`);
        return 1;
      }
      console.log(`lab down: ${r.stopped.length} components stopped`);
      return 0;
    }
    case 'status': {
      const all = await status(undefined, true);
      for (const c of all) {
        const state = c.healthy ? 'healthy' : c.running ? 'UNHEALTHY' : 'DOWN';
        console.log(`${c.id.padEnd(17)} ${state.padEnd(9)} ${c.pid ? `pid ${c.pid}` : ''}${c.note ? `  ${c.note}` : ''}`);
        for (const e of c.endpoints) {
          console.log(`  ${`${e.address}:${e.port}`.padEnd(17)} ${e.label.padEnd(22)} ${e.ok && e.tlsOk !== false ? 'ok' : 'FAIL'}  ${e.detail}`);
        }
      }
      const n = all.filter((c) => c.healthy).length;
      console.log(`${n}/${all.length} healthy`);
      return n === all.length ? 0 : 1;
    }
    case 'env': {
      const i = rest.indexOf('--format');
      const format = i >= 0 ? rest[i + 1] : 'json';
      const e = labEnv();
      if (format === 'shell') process.stdout.write(envShell(e));
      else if (format === 'json') console.log(JSON.stringify(e, null, 2));
      else throw new Error(`unknown format ${format} (json | shell)`);
      return 0;
    }
    case 'renew': {
      const l = layout();
      const r = await withLock(l.lock, () => renewSourceWith(l, { newKey: rest.includes('--new-key') }));
      console.log(`renewed ${l.npm.live}: version ${r.version}, serial ${r.serial}, SPKI sha256 ${r.spkiSha256}${r.newKey ? ' (new key)' : ' (same key)'}`);
      return 0;
    }
    default:
      console.error('usage: npm run lab -- up | down | status | env [--format json|shell] | renew [--new-key]');
      return 2;
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof NotRootError) console.error(err.message);
    else console.error(`lab ${verb}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
