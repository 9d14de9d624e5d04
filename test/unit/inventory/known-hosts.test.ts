// known_hosts parsing and matching, checked against files written by the real ssh-keygen.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keysFor, parseKnownHosts, entryMatches, checkInventorySource } from '../../../src/inventory/index.ts';
import { KEY, minimal } from './fixtures.ts';

const KEY2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKGpfYRKMy57jsivCz9Y7ImZPqIbXVzIz+/CICZjsF4v';
const t = suite('known_hosts');

t('plain names, comma lists, [host]:port, comments and blank lines', () => {
  const kh = parseKnownHosts(`# comment\n\nmx1.example.org,192.0.2.1 ${KEY} root@mx1\n[192.0.2.1]:2222 ${KEY2}\n`);
  assert.equal(kh.bad, []);
  assert.equal(keysFor(kh, '192.0.2.1', 22).keys, [KEY]);
  assert.equal(keysFor(kh, 'mx1.example.org', 22).keys, [KEY]);
  assert.equal(keysFor(kh, '192.0.2.1', 2222).keys, [KEY2]);
  assert.equal(keysFor(kh, '192.0.2.9', 22).keys, []);
});

t('wildcards and negation', () => {
  const kh = parseKnownHosts(`*.example.org,!bad.example.org ${KEY}\n192.0.2.? ${KEY2}\n`);
  assert.ok(entryMatches(kh.entries[0]!, 'mx1.example.org', 22));
  assert.not.ok(entryMatches(kh.entries[0]!, 'bad.example.org', 22));
  assert.ok(entryMatches(kh.entries[1]!, '192.0.2.7', 22));
  assert.not.ok(entryMatches(kh.entries[1]!, '192.0.2.77', 22));
});

t('hashed entries written by ssh-keygen -H match, for port 22 and [host]:port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-kh-'));
  const file = join(dir, 'known_hosts');
  writeFileSync(file, `192.0.2.1 ${KEY}\n[192.0.2.1]:2222 ${KEY2}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('|1|'), 'ssh-keygen hashed the file');
  const kh = parseKnownHosts(text);
  assert.equal(keysFor(kh, '192.0.2.1', 22).keys, [KEY]);
  assert.equal(keysFor(kh, '192.0.2.1', 2222).keys, [KEY2]);
  assert.equal(keysFor(kh, '192.0.2.2', 22).keys, []);
});

t('@revoked keys are never pinned; @cert-authority lines are not host keys', () => {
  const kh = parseKnownHosts(`192.0.2.1 ${KEY}\n@revoked 192.0.2.1 ${KEY}\n@cert-authority *.example.org ${KEY2}\n192.0.2.1 ${KEY2}\n`);
  const r = keysFor(kh, '192.0.2.1', 22);
  assert.equal(r.keys, [KEY2]);
  assert.equal(r.revoked.map((e) => e.line), [2]);
});

t('malformed lines are reported with their line number', () => {
  const kh = parseKnownHosts(`192.0.2.1\n192.0.2.1 ssh-foo AAAA\n@weird x ${KEY}\n192.0.2.1 ssh-ed25519 not*base64\n`);
  assert.equal(kh.bad.map((b) => b.line), [1, 2, 3, 4]);
  assert.is(kh.entries.length, 0);
});

t('the loader pins known_hosts lines (relative to the inventory) and reports revoked ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-kh-'));
  writeFileSync(join(dir, 'known_hosts'), `192.0.2.1 ${KEY2}\n@revoked 192.0.2.1 ${KEY}\nbroken line\n`);
  const text = minimal().replace(`      host_keys:\n        - ${KEY}\n`, '      known_hosts: known_hosts\n');
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml', { baseDir: dir });
  assert.equal(inventory!.hosts[0]!.ssh.hostKeys, [KEY2]);
  assert.is(inventory!.hosts[0]!.ssh.knownHosts, join(dir, 'known_hosts'));
  assert.equal(problems.map((p) => `${p.severity} ${p.code} ${p.message}`), [
    'warning KNOWN_HOSTS_BAD_LINE known_hosts:3: expected "hosts keytype base64-key"; line skipped',
    'warning KNOWN_HOSTS_REVOKED known_hosts:2: @revoked ssh-ed25519 key for 192.0.2.1 is not pinned',
  ]);
});

t('a known_hosts file with no line for the host is NO_HOST_KEY, located at known_hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-kh-'));
  writeFileSync(join(dir, 'kh'), `192.0.2.99 ${KEY2}\n`);
  const text = minimal().replace(`      host_keys:\n        - ${KEY}\n`, '      port: 2222\n      known_hosts: kh\n');
  const { problems } = checkInventorySource(text, 'hosts.yaml', { baseDir: dir });
  assert.equal(problems.map((p) => `${JSON.stringify(p.where)} ${p.code} ${p.message}`), [
    '{"file":"hosts.yaml","line":8,"column":7} NO_HOST_KEY host mx1 has no pinned SSH host key: no line of kh matches [192.0.2.1]:2222',
  ]);
});

t('a known_hosts file that does not exist yet is a located warning; the host has no pin', () => {
  const text = minimal().replace(`      host_keys:\n        - ${KEY}\n`, '      known_hosts: ssh/known_hosts\n');
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml', { baseDir: '/nonexistent' });
  assert.equal(problems.map((p) => `${p.severity} ${p.code} ${JSON.stringify(p.where)}`), ['warning KNOWN_HOSTS_MISSING {"file":"hosts.yaml","line":7,"column":7}']);
  assert.equal(inventory!.hosts[0]!.ssh.hostKeys, []);
});

t.run();
