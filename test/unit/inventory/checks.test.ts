// Semantic checks on the resolved inventory, beyond the corpus: each check on its own input.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { checkInventorySource, nameCovers } from '../../../src/inventory/index.ts';
import { closest, levenshtein } from '../../../src/inventory/did-you-mean.ts';
import { KEY, ZONE, minimal } from './fixtures.ts';

const t = suite('inventory semantic checks');

function codes(text: string): string[] {
  return checkInventorySource(text, 'hosts.yaml', { baseDir: '/inv' }).problems.map((p) => `${p.where && 'line' in p.where ? p.where.line : '-'} ${p.code}`);
}

const host = (name: string, extra = '') => `  ${name}:\n    address: 192.0.2.${name.length}\n    ssh:\n      host_keys: ["${KEY}"]\n${extra}`;

t('jump: a three-host loop is reported once; a chain without loop is fine; self-jump is a loop', () => {
  const loop = minimal().replace('certificates:', host('a', '      jump: b\n').replace('    ssh:\n', '    ssh:\n') + host('bb', '      jump: ccc\n') + host('ccc', '      jump: a\n') + 'certificates:')
    .replace('      jump: b\n', '      jump: bb\n');
  assert.equal(codes(loop), ['17 JUMP_CYCLE']);
  const chain = minimal().replace('      identity: env:SSH_KEY\n', '      identity: env:SSH_KEY\n      jump: gw\n').replace('certificates:', host('gw') + 'certificates:');
  assert.equal(codes(chain), []);
  const self = minimal().replace('      identity: env:SSH_KEY\n', '      identity: env:SSH_KEY\n      jump: mx1\n');
  assert.equal(codes(self), ['7 JUMP_CYCLE']);
});

t('paths: one file for cert and key in one service is a conflict; different hosts may share paths', () => {
  const same = minimal().replace('        certificate: mail\n', '        certificate: mail\n        files: { cert: /etc/ssl/x.pem, key: /etc/ssl/x.pem }\n');
  assert.equal(codes(same), ['10 PATH_CONFLICT']);
  const twoHosts = minimal().replace('certificates:', host('mx2', '    services:\n      postfix: { mode: postfix, certificate: mail }\n') + 'certificates:');
  assert.equal(codes(twoHosts), []);
});

t('ports: unique per address; the same port on different addresses is fine', () => {
  const base = minimal().replace('address: 192.0.2.1', 'address: [192.0.2.1, 192.0.2.2]');
  const split = base.replace('        certificate: mail\n', `        certificate: mail
        endpoints: [{ port: 25, addresses: [192.0.2.1] }]
      second:
        mode: postfix
        certificate: mail
        base_dir: /etc/postfix-2
        endpoints: [{ port: 25, addresses: [192.0.2.2] }]
`);
  assert.equal(codes(split), []);
  assert.equal(codes(split.replace('[{ port: 25, addresses: [192.0.2.2] }]', '[{ port: 25 }]')), ['18 PORT_CONFLICT']);
});

t('endpoint ports repeated inside one service conflict too', () => {
  const dup = minimal().replace('        certificate: mail\n', '        certificate: mail\n        endpoints: [{ port: 465 }, { port: 465 }]\n');
  assert.equal(codes(dup), ['13 PORT_CONFLICT']);
});

t('TLSA served_by must name a service with a DANE endpoint for that name and port', () => {
  const text = minimal().replace('certificates:', host('mx2', '    services:\n      postfix: { mode: postfix, certificate: mail, endpoints: [{ port: 587 }] }\n') + 'certificates:') + ZONE + '  tlsa:\n    - name: mx1.example.org\n      served_by: [mx2/postfix]\n';
  assert.equal(codes(text), ['35 TLSA_NO_ENDPOINT']);
});

t('a dane: true endpoint on a port the dns.tlsa entry does not name says which port exists', () => {
  const text = minimal() + ZONE + '  tlsa:\n    - name: mx1.example.org\n      port: 465\n';
  const { problems } = checkInventorySource(text, 'hosts.yaml');
  assert.equal(problems.map((p) => p.message), ['TLSA _465._tcp.mx1.example.org matches no endpoint with dane: true; DANE endpoints for mx1.example.org are on port 25']);
});

t('the TLSA zone is the longest declared suffix', () => {
  const text = minimal().replace('names: [mx1.example.org]', 'names: [mx1.mail.example.org]') + ZONE + '    mail.example.org:\n      provider: rfc2136\n      primary: 192.0.2.54\n';
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml');
  assert.equal(problems, []);
  assert.is(inventory!.dns.tlsa[0]!.zone, 'mail.example.org');
});

t('an acme source is accepted with a warning that issuance is not implemented', () => {
  const text = minimal().replace('      type: files\n      cert: certs/mail.pem\n      key: env:MAIL_KEY\n', '      type: acme\n      directory: https://acme.example/dir\n');
  assert.equal(codes(text), ['17 ACME_NOT_IMPLEMENTED']);
});

t('a remote source may name cert and key instead of dir, but not both', () => {
  const src = (s: string) => minimal().replace('      type: files\n      cert: certs/mail.pem\n      key: env:MAIL_KEY\n', s);
  assert.equal(codes(src('      type: remote\n      host: mx1\n      cert: /c.pem\n      key: /k.pem\n')), []);
  assert.equal(codes(src('      type: remote\n      host: mx1\n      dir: /live\n      cert: /c.pem\n')), ['16 BAD_VALUE']);
});

t('wildcard certificate names cover one label', () => {
  assert.ok(nameCovers('*.example.org', 'mx1.example.org'));
  assert.not.ok(nameCovers('*.example.org', 'a.b.example.org'));
  assert.not.ok(nameCovers('*.example.org', 'example.org'));
  assert.ok(nameCovers('MX1.example.org.', 'mx1.EXAMPLE.org'));
});

t('did you mean: transpositions count as one edit; far words get no suggestion', () => {
  assert.is(levenshtein('mial', 'mail'), 1);
  assert.is(levenshtein('kitten', 'sitting'), 3);
  assert.is(closest('identiy', ['identity', 'user']), 'identity');
  assert.is(closest('zzz', ['postfix', 'dovecot']), undefined);
});

t('literal secrets are refused without echoing them', () => {
  const text = minimal().replace('key: env:MAIL_KEY', 'key: "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg"');
  const { problems } = checkInventorySource(text, 'hosts.yaml');
  assert.equal(problems.map((p) => p.code), ['LITERAL_SECRET']);
  assert.not.match(JSON.stringify(problems), 'MIIEvQ');
});

t('a path where a secret reference belongs gets a file: hint; ~ expands to the home directory', async () => {
  const text = minimal().replace('identity: env:SSH_KEY', 'identity: ~/.ssh/id_ed25519');
  const { problems } = checkInventorySource(text, 'hosts.yaml');
  assert.equal(problems.map((p) => `${p.code} ${p.message}`), ['BAD_SECRET_REF hosts.mx1.ssh.identity looks like a path; write it as a reference: file:<path>']);
  const { secretPath } = await import('../../../src/inventory/index.ts');
  const { homedir } = await import('node:os');
  assert.is(secretPath({ path: '~/.ssh/id' }, '/inv'), `${homedir()}/.ssh/id`);
  assert.is(secretPath({ path: 'keys/id' }, '/inv'), '/inv/keys/id');
});

t('a jump host set in defaults.ssh does not apply to the jump host itself', () => {
  const text = minimal()
    .replace('version: 1\n', 'version: 1\ndefaults:\n  ssh:\n    jump: gw\n')
    .replace('certificates:', host('gw') + 'certificates:');
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml');
  assert.equal(problems, []);
  assert.equal(inventory!.hosts.map((h) => [h.name, h.ssh.jump]), [['mx1', 'gw'], ['gw', undefined]]);
});

t('a certificate with only wildcard names needs an explicit sni, reported once per service', () => {
  const text = minimal().replace('names: [mx1.example.org]', 'names: ["*.example.org"]');
  assert.equal(codes(text), ['10 MISSING_KEY']);
  const ok = text.replace('        certificate: mail\n', '        certificate: mail\n        endpoints: [{ port: 25, sni: mx1.example.org }]\n');
  assert.equal(codes(ok), []);
});

t('empty maps and lists say so', () => {
  const { problems } = checkInventorySource('version: 1\nhosts: {}\n', 'hosts.yaml');
  assert.equal(problems.map((p) => `${p.code} ${p.message}`), ['BAD_VALUE hosts must not be empty']);
});

t.run();
