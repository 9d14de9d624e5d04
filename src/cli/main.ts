// The CLI: one file per verb, each exporting `register(program)`. This file wires them up and
// turns any error into a message and an exit code; only src/cli/ writes to stdout/stderr.
import { Command, CommanderError } from 'commander';
import { MailtlsError } from '../errors/catalog.ts';
import { formatProblem } from '../errors/problem.ts';
import { EXIT } from './exit-codes.ts';

type Register = (program: Command) => void;

// Each verb module is loaded lazily so `mailtls --help` stays fast.
const verbs: Array<() => Promise<{ register: Register }>> = [
  () => import('./validate.ts'),
  () => import('./status.ts'),
  () => import('./plan.ts'),
  () => import('./show.ts'),
  () => import('./apply.ts'),
  () => import('./unlock.ts'),
  () => import('./tlsa.ts'),
];

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const program = new Command('mailtls')
    .description('Declarative GitOps for mail-server TLS: plan and apply certificates and DANE TLSA records.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of verbs) (await load()).register(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end through here with exit code 0.
    return err.exitCode === 0 ? EXIT.ok : EXIT.error;
  }
  if (err instanceof MailtlsError) {
    for (const p of err.problems) console.error(formatProblem(p));
    return err.exitCode;
  }
  console.error(`mailtls: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  console.error('This is a bug in mailtls; please report it with the command you ran.');
  return EXIT.error;
}

/** `mailtls plan | head` closes our stdout early: stop quietly, as Unix tools do, instead of crashing. */
let pipeGuarded = false;
function quietOnClosedPipe(): void {
  if (pipeGuarded) return; // main() runs many times in one process in tests
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}
