// `--resolved` output: every default marked, no secret values, and it is itself a valid
// inventory that resolves to the same thing (so users can copy from it).
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInventorySource, renderResolved } from '../../../src/inventory/index.ts';
import type { Inventory } from '../../../src/inventory/index.ts';
import { githubAnnotation } from '../../../src/cli/report-problems.ts';
import { problem } from '../../../src/errors/catalog.ts';

const dir = join(import.meta.dirname, '../../../examples');
const t = suite('resolved inventory');

/** The inventory without locations and default markers, for comparison. */
function shape(inv: Inventory): unknown {
  return JSON.parse(JSON.stringify({ hosts: inv.hosts, certificates: inv.certificates, dns: inv.dns }, (k, v) => (k === 'loc' || k === 'defaulted' ? undefined : v)));
}

for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
  t(`${f}: the resolved YAML validates and resolves to the same inventory`, () => {
    const first = checkInventorySource(readFileSync(join(dir, f), 'utf8'), f, { baseDir: dir });
    assert.ok(first.inventory, JSON.stringify(first.problems));
    const text = renderResolved(first.inventory!);
    const second = checkInventorySource(text, `resolved-${f}`, { baseDir: dir });
    assert.equal(second.problems, []);
    assert.equal(shape(second.inventory!), shape(first.inventory!));
  });
}

t('defaults are marked with their origin; user values are not', () => {
  const inv = checkInventorySource(readFileSync(join(dir, 'postfix-dovecot-one-host.yaml'), 'utf8'), 'x.yaml', { baseDir: dir }).inventory!;
  const text = renderResolved(inv);
  assert.match(text, 'reload: # default (dovecot)\n');
  assert.match(text, '- [ doveadm, reload ]');
  assert.match(text, 'key_mode: "0600" # default (postfix)');
  assert.match(text, 'chain: /etc/postfix/certs/chain.pem\n');
  assert.match(text, 'port: 22 # default\n');
  assert.match(text, 'identity: env:MAILTLS_SSH_KEY\n');
  assert.match(text, 'renew_before_days: 30 # default\n');
});

t('GitHub annotations escape newlines, percent signs and property separators', () => {
  const p = problem('BAD_VALUE', '100% wrong\nsecond line', { file: 'a,b:c.yaml', line: 3, column: 7 });
  assert.is(githubAnnotation(p), '::error file=a%2Cb%3Ac.yaml,line=3,col=7::BAD_VALUE 100%25 wrong%0Asecond line');
  assert.is(githubAnnotation(problem('UNUSED_CERTIFICATE', 'x')), '::warning::UNUSED_CERTIFICATE x');
});

t.run();
