// `mailtls validate`: checks an inventory (syntax, schema, references, mode defaults) and
// prints every problem at once, located at FILE:LINE:COL. Exit 1 when any problem is an error.
import type { Command } from 'commander';
import { Option } from 'commander';
import { checkInventory, renderResolved, hasErrors } from '../inventory/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { modes } from '../modes/index.ts';
import { EXIT } from './exit-codes.ts';
import { problemsMarkdown, problemsToJson, reportProblems, writeStepSummary } from './report-problems.ts';

const examples = `
Examples:
  $ mailtls validate                          check ./hosts.yaml
  $ mailtls validate -f examples/mailcow-from-npm.yaml
  $ mailtls validate --resolved               print the inventory with every default filled in
  $ mailtls validate --format json | jq .problems

Problems print as FILE:LINE:COL severity CODE message. In GitHub Actions
(GITHUB_ACTIONS=true) they are also printed as ::error / ::warning annotations.

Modes: ${Object.values(modes).map((m) => m.name).join(', ')}. The inventory format is
described in schemas/hosts.schema.json.

Exit status: 0 valid (warnings allowed), 1 any error.`;

interface Opts {
  file: string;
  resolved?: boolean;
  format: 'text' | 'json';
}

export function register(program: Command): void {
  program
    .command('validate')
    .summary('check hosts.yaml and show every problem at once')
    .description('Check an inventory: YAML syntax, the JSON Schema, references between hosts, services, certificates and DNS zones, and the defaults each mode fills in. Nothing is contacted.')
    .option('-f, --file <FILE>', 'inventory file', 'hosts.yaml')
    .option('--resolved', 'print the inventory with every default filled in (secrets as references)')
    .addOption(new Option('--format <FORMAT>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', examples)
    .action(async (opts: Opts) => {
      process.exitCode = await run(opts);
    });
}

export async function run(opts: Opts): Promise<number> {
  const { inventory, problems } = await checkInventory(opts.file);
  const failed = hasErrors(problems);
  if (opts.format === 'json') {
    const out: Record<string, unknown> = { format_version: 1, file: opts.file, valid: !failed, problems: problemsToJson(problems) };
    if (inventory) out.summary = counts(inventory);
    if (inventory && opts.resolved) out.inventory = inventory; // secrets are references only
    console.log(JSON.stringify(out, null, 2));
    return failed ? EXIT.error : EXIT.ok;
  }
  reportProblems(problems);
  if (!inventory || failed) {
    const n = problems.filter((p) => p.severity === 'error').length;
    const verdict = `${opts.file}: ${n} error${n === 1 ? '' : 's'} — not valid`;
    console.error(verdict);
    writeStepSummary(problemsMarkdown(`mailtls validate: ${verdict}`, problems));
    return EXIT.error;
  }
  if (opts.resolved) process.stdout.write(renderResolved(inventory));
  const verdict = summary(opts.file, inventory, problems.length);
  console.log(verdict);
  writeStepSummary(problemsMarkdown(`mailtls validate: ${verdict}`, problems));
  return EXIT.ok;
}

function counts(inv: Inventory) {
  return {
    hosts: inv.hosts.length,
    services: inv.hosts.reduce((n, h) => n + h.services.length, 0),
    certificates: inv.certificates.length,
    zones: inv.dns.zones.length,
    tlsa: inv.dns.tlsa.length,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(file: string, inv: Inventory, warnings: number): string {
  const c = counts(inv);
  const parts = [plural(c.hosts, 'host'), plural(c.services, 'service'), plural(c.certificates, 'certificate'), plural(c.zones, 'zone')];
  return `${file}: ${parts.join(', ')} — valid${warnings ? ` (${plural(warnings, 'warning')})` : ''}`;
}
