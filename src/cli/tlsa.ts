// `mailtls tlsa status|publish|retire`: the DNS side of a DANE key rollover (dane.md §(b)), so
// an operator never writes a TLSA record by hand. status says, per DANE name, what is published
// where, whose key each record is, when its hold ends and what to do next; publish adds the
// records the desired keys need beside the current ones; retire removes records no endpoint
// serves. plan/apply keep refusing a key whose record is not held long enough (dane-gap).
import type { Command } from 'commander';
import { loadInventory } from '../inventory/index.ts';
import { addCommonOptions, optionsWithEnv, parsePositiveInt, type CommonOptions } from './common.ts';
import { EXIT } from './exit-codes.ts';
import { gatherTlsaState } from './tlsa-gather.ts';
import { renderStatusText, statusJson } from './tlsa-render.ts';
import { runChange, type TlsaChangeOptions } from './tlsa-change.ts';

const examples = `
Examples:
  $ mailtls tlsa status                       every DANE name: records, keys, hold times, next step
  $ mailtls tlsa publish --dry-run            the records a new key needs, without sending them
  $ mailtls tlsa publish                      add them beside the current ones, wait for every server
  $ mailtls tlsa retire                       remove records of keys no endpoint serves any more

A key rollover: renew with a new key at the source → tlsa publish → wait the hold time
(tlsa status says until when) → plan / apply → tlsa retire.

Exit status: 0 ok; 2 with --detailed-exitcode when something is (or, with --dry-run, would be)
changed, or for status when a next step is pending; 4 a safety rule refused (nothing sent);
1 error.`;

export function register(program: Command): void {
  const tlsa = program
    .command('tlsa')
    .summary('publish and retire DANE TLSA records for a key rollover')
    .description('The DNS side of a DANE key rollover through each zone\'s DNS provider: status, publish (add the records the desired keys need), retire (remove records of keys no endpoint serves).')
    .addHelpText('after', examples);

  const status = tlsa.command('status').summary('per DANE name: records, whose key, hold times, next step').description('Per DANE name: the records on each authoritative server and at the validating resolver (AD), which key each matches (served, desired, unknown), when each was first seen everywhere and when its hold ends, and what to do next. Changes nothing in DNS.');
  addCommonOptions(status, ['text', 'json']);
  status.action(async (raw: CommonOptions) => {
    process.exitCode = await runStatus(optionsWithEnv(status, raw));
  });

  for (const kind of ['publish', 'retire'] as const) {
    const cmd = tlsa
      .command(kind)
      .summary(kind === 'publish' ? 'add the TLSA records the desired keys need, beside the current ones' : 'remove TLSA records that match no served and no desired key')
      .description(
        kind === 'publish'
          ? 'Add the `3 1 1` record of every desired key (the source\'s key, per algorithm) that is not on every authoritative server, beside the records there; never removes anything. One update per zone, then waits for every authoritative server and records the first-seen time.'
          : 'Probe every endpoint of each DANE name (every address and algorithm), then remove records that match no served and no desired key. Never removes the last record of a served key; refuses when an endpoint could not be probed.',
      );
    addCommonOptions(cmd, ['text', 'json'])
      .option('--dry-run', 'show the records, send nothing', false)
      .option('--timeout <SECONDS>', 'how long to wait for every authoritative server', (v) => parsePositiveInt(v), 60);
    cmd.action(async (raw: TlsaChangeOptions) => {
      process.exitCode = await runChange(kind, optionsWithEnv(cmd, raw));
    });
  }
}

export async function runStatus(opts: CommonOptions): Promise<number> {
  const inventory = await loadInventory(opts.file);
  const state = await gatherTlsaState(inventory, opts);
  if (opts.format === 'json') process.stdout.write(`${JSON.stringify(statusJson(state.views, state.now), null, 2)}\n`);
  else process.stdout.write(renderStatusText(state.views));
  const pending = state.views.some((v) => v.next.some((n) => n.action !== 'none'));
  return pending && opts.detailedExitcode ? EXIT.changes : EXIT.ok;
}
