// `mailtls unlock HOST`: shows the host lock (owner, run id, created, expires) and removes it.
// A lock that has not expired may belong to a run that is still working: removing it then
// needs --force. Exit: 0 removed (or there was none); 1 refused or the host unreachable.
import type { Command } from 'commander';
import { loadInventory } from '../inventory/index.ts';
import { problem } from '../errors/catalog.ts';
import { formatProblem } from '../errors/problem.ts';
import { SessionCache } from '../state/index.ts';
import { selectOrThrow } from './run-plan.ts';
import { forceUnlock, readLock, readUnfinished, DEFAULT_JOURNAL_DIR, type LockInfo } from '../apply/index.ts';
import { optionsWithEnv } from './common.ts';
import { EXIT } from './exit-codes.ts';
import { addStateDirOption, stateDirOf, stateDirTemplate } from './apply-support.ts';

interface UnlockOptions {
  file: string;
  force: boolean;
  stateDir: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('unlock')
    .summary("release a host's apply lock left by a run that died")
    .description('Show the lock an apply run holds on HOST (owner, run id, created, expires) and remove it. A lock that has not expired yet needs --force: make sure no mailtls run still works on the host.')
    .argument('<HOST>', 'inventory host name')
    .option('-f, --file <FILE>', 'inventory file [env MAILTLS_FILE]', 'hosts.yaml')
    .option('--force', 'remove the lock even though it has not expired', false);
  addStateDirOption(cmd).addHelpText('after', '\nExit status: 0 lock removed, or none was there; 1 refused (not expired, no --force) or error.');
  cmd.action(async (host: string, raw: UnlockOptions) => {
    const opts = optionsWithEnv(cmd, raw);
    opts.stateDir = stateDirTemplate(cmd, opts.stateDir);
    process.exitCode = await run(host, opts);
  });
}

export function describeLock(l: LockInfo, now: Date): string[] {
  const expired = Date.parse(l.expires) < now.getTime();
  return [
    `  owner:   ${l.owner} (pid ${l.pid})`,
    `  run id:  ${l.run_id}`,
    `  created: ${l.created}`,
    `  expires: ${l.expires}${expired ? ' (expired)' : Number.isNaN(Date.parse(l.expires)) ? ' (unreadable lock file)' : ' (still valid)'}`,
  ];
}

export async function run(hostName: string, opts: UnlockOptions): Promise<number> {
  const inventory = await loadInventory(opts.file);
  selectOrThrow(inventory, { hosts: [hostName] });
  const stateDir = stateDirOf(opts.stateDir, hostName);
  const sessions = new SessionCache(inventory);
  try {
    const session = await sessions.get(hostName).catch((err: { problem?: ReturnType<typeof problem> }) => {
      if (err.problem) console.error(formatProblem(err.problem));
      return undefined;
    });
    if (!session) return EXIT.error;
    const lock = await readLock(session, stateDir);
    if (!lock) {
      console.log(`${hostName}: not locked (no lock in ${stateDir}).`);
      return EXIT.ok;
    }
    const now = new Date();
    console.log(`${hostName} is locked:`);
    for (const l of describeLock(lock, now)) console.log(l);
    const expires = Date.parse(lock.expires);
    if (!opts.force && !(expires < now.getTime())) {
      console.error(formatProblem(problem('LOCK_HELD', `${hostName}: the lock of run ${lock.run_id} is valid until ${lock.expires}; a run may still be working there. If you are sure none is, run \`mailtls unlock ${hostName} --force\``)));
      return EXIT.error;
    }
    await forceUnlock(session, stateDir);
    console.log(`${hostName}: lock of run ${lock.run_id} removed.`);
    const unfinished = await readUnfinished(DEFAULT_JOURNAL_DIR);
    if (unfinished.some((j) => j.runId === lock.run_id)) {
      console.log(`Run ${lock.run_id} did not finish here: \`mailtls apply\` completes or rolls it back first.`);
    }
    return EXIT.ok;
  } finally {
    await sessions.closeAll();
  }
}
