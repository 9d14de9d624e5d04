// The loader on valid input: structure, locations, sha256, relative references.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkInventory, checkInventorySource, loadInventory } from '../../../src/inventory/index.ts';
import { MailtlsError } from '../../../src/errors/catalog.ts';
import { KEY, minimal } from './fixtures.ts';

const t = suite('inventory loader');

t('loads a minimal inventory with locations on every node', () => {
  const { inventory, problems } = checkInventorySource(minimal(), 'hosts.yaml', { baseDir: '/srv/inv' });
  assert.equal(problems, []);
  const inv = inventory!;
  assert.is(inv.path, 'hosts.yaml');
  assert.is(inv.hosts.length, 1);
  const mx1 = inv.hosts[0]!;
  assert.equal(mx1.loc, { file: 'hosts.yaml', line: 3, column: 3 });
  assert.equal(mx1.addresses, ['192.0.2.1']);
  assert.equal(mx1.ssh.hostKeys, [KEY]);
  assert.equal(mx1.ssh.identity, { kind: 'env', name: 'SSH_KEY' });
  const svc = mx1.services[0]!;
  assert.is(svc.name, 'postfix');
  assert.is(svc.host, 'mx1');
  assert.equal(svc.loc, { file: 'hosts.yaml', line: 10, column: 7 });
  assert.is(svc.endpoints[0]!.loc.line, 10, 'defaulted endpoints point at the service');
  const cert = inv.certificates[0]!;
  assert.equal(cert.loc, { file: 'hosts.yaml', line: 14, column: 3 });
  assert.equal(cert.sources.ecdsa, { type: 'files', cert: '/srv/inv/certs/mail.pem', key: { kind: 'env', name: 'MAIL_KEY' }, loc: { file: 'hosts.yaml', line: 16, column: 5 } });
});

t('sha256 is the hash of the file bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-inv-'));
  const file = join(dir, 'hosts.yaml');
  writeFileSync(file, minimal());
  const inv = await loadInventory(file);
  assert.is(inv.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
  assert.is(inv.baseDir, dir);
});

t('loadInventory throws one MailtlsError carrying every problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-inv-'));
  const file = join(dir, 'hosts.yaml');
  writeFileSync(file, minimal().replace('mode: postfix', 'mode: postfx').replace('certificate: mail', 'certificate: nope'));
  try {
    await loadInventory(file);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, MailtlsError);
    assert.equal((err as MailtlsError).problems.map((p) => p.code), ['UNKNOWN_MODE', 'UNUSED_CERTIFICATE']);
    assert.is((err as MailtlsError).exitCode, 1);
  }
});

t('a missing file is a problem, not an exception', async () => {
  const { problems } = await checkInventory('/nonexistent/hosts.yaml');
  assert.equal(problems.map((p) => `${p.code} ${p.message}`), ['INVENTORY_UNREADABLE inventory /nonexistent/hosts.yaml does not exist']);
});

t('warnings alone keep the inventory', () => {
  const text = minimal() + '  spare:\n    names: [spare.example.org]\n    source: { type: files, cert: c.pem, key: env:K }\n';
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml');
  assert.ok(inventory);
  assert.equal(problems.map((p) => `${p.severity} ${p.code}`), ['warning UNUSED_CERTIFICATE']);
});

t('addresses may be a list; endpoints probe every address by default', () => {
  const text = minimal().replace('address: 192.0.2.1', 'address: [192.0.2.1, "2001:db8::1"]');
  const svc = checkInventorySource(text, 'h.yaml').inventory!.hosts[0]!.services[0]!;
  assert.equal(svc.endpoints[0]!.addresses, ['192.0.2.1', '2001:db8::1']);
});

t('YAML anchors and aliases resolve', () => {
  const text = minimal()
    .replace('    ssh:\n', '    ssh: &ssh\n')
    .replace('certificates:', `  mx2:\n    address: 192.0.2.2\n    ssh: *ssh\ncertificates:`);
  const { inventory, problems } = checkInventorySource(text, 'h.yaml');
  assert.equal(problems, []);
  assert.equal(inventory!.hosts[1]!.ssh.hostKeys, [KEY]);
});

t.run();
