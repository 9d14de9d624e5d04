// Mode defaults: applied only where the user left a value out, and recorded as defaulted.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { checkInventorySource } from '../../../src/inventory/index.ts';
import type { Inventory } from '../../../src/inventory/index.ts';
import { KEY, ZONE, minimal } from './fixtures.ts';

const t = suite('inventory defaults');

function load(text: string): Inventory {
  const { inventory, problems } = checkInventorySource(text, 'hosts.yaml', { baseDir: '/inv' });
  assert.equal(problems.filter((p) => p.severity === 'error'), [], 'no errors expected');
  return inventory!;
}

function withService(svc: string, extra = ''): string {
  return minimal().replace('      postfix:\n        mode: postfix\n        certificate: mail\n', svc) + extra;
}

t('postfix: /etc/postfix/certs, postfix check/reload, 0644/0600, chain appended, ports 25/465/587', () => {
  const s = load(minimal()).hosts[0]!.services[0]!;
  assert.equal(s.files, { ecdsa: { cert: '/etc/postfix/certs/cert.pem', key: '/etc/postfix/certs/key.pem' } });
  assert.is(s.files.ecdsa!.chain, undefined, 'no chain path: appended to cert');
  assert.equal(s.validate, [['postfix', 'check']]);
  assert.equal(s.reload, [['postfix', 'reload']]);
  assert.equal(s.ownership, { owner: 'root', group: 'root', certMode: '0644', keyMode: '0600' });
  assert.is(s.replaceSymlinks, false);
  assert.equal(s.endpoints.map((e) => [e.port, e.starttls ?? 'implicit', e.sni]), [
    [25, 'smtp', 'mx1.example.org'], [465, 'implicit', 'mx1.example.org'], [587, 'smtp', 'mx1.example.org'],
  ]);
  assert.is(s.endpoints[0]!.dane, false, 'no zone covers the name, so port 25 is not DANE by default');
  assert.equal(s.defaulted, { base_dir: 'postfix', files: 'postfix', owner: 'postfix', group: 'postfix', cert_mode: 'postfix', key_mode: 'postfix', replace_symlinks: 'postfix', validate: 'postfix', reload: 'postfix', endpoints: 'postfix' });
});

t('postfix port 25 is DANE by default when a zone covers the name, and implies a TLSA expectation', () => {
  const inv = load(minimal() + ZONE);
  const ep = inv.hosts[0]!.services[0]!.endpoints[0]!;
  assert.is(ep.dane, true);
  assert.is(inv.dns.tlsa.length, 1);
  const x = inv.dns.tlsa[0]!;
  assert.equal([x.owner, x.zone, x.scheme, x.usage, x.selector, x.matchingType, x.holdSeconds], ['_25._tcp.mx1.example.org', 'example.org', 'current+next', 3, 1, 1, 172800]);
  assert.equal(x.servedBy, [{ host: 'mx1', service: 'postfix' }]);
});

t('dns.tlsa refines the implied expectation', () => {
  const inv = load(minimal() + ZONE + '  tlsa:\n    - name: mx1.example.org\n      scheme: current\n      matching: 2\n      hold: 5s\n');
  const x = inv.dns.tlsa[0]!;
  assert.equal([x.scheme, x.matchingType, x.holdSeconds, x.loc.line], ['current', 2, 5, 28]);
  assert.equal(x.defaulted, { usage: 'default', selector: 'default', served_by: 'endpoints' });
});

t('dovecot: /etc/dovecot/certs, doveconf -n, doveadm reload, 993/995/143', () => {
  const s = load(withService('      imap:\n        mode: dovecot\n        certificate: mail\n')).hosts[0]!.services[0]!;
  assert.equal(s.files.ecdsa, { cert: '/etc/dovecot/certs/cert.pem', key: '/etc/dovecot/certs/key.pem' });
  assert.equal(s.validate, [['doveconf', '-n']]);
  assert.equal(s.reload, [['doveadm', 'reload']]);
  assert.equal(s.endpoints.map((e) => [e.port, e.starttls ?? 'implicit']), [[993, 'implicit'], [995, 'implicit'], [143, 'imap']]);
});

t('mailcow: base_dir paths, real copies, no validate, compose reloads with the project directory', () => {
  const s = load(withService('      mc:\n        mode: mailcow\n        certificate: mail\n        base_dir: /srv/mailcow\n')).hosts[0]!.services[0]!;
  assert.equal(s.files.ecdsa, { cert: '/srv/mailcow/data/assets/ssl/cert.pem', key: '/srv/mailcow/data/assets/ssl/key.pem' });
  assert.is(s.replaceSymlinks, true);
  assert.equal(s.validate, []);
  assert.is(s.reload.length, 3);
  for (const [argv, container] of s.reload.map((a, i) => [a, ['postfix-mailcow', 'dovecot-mailcow', 'nginx-mailcow'][i]] as const)) {
    assert.equal(argv.slice(0, 6), ['docker', 'compose', '--project-directory', '/srv/mailcow', '-f', '/srv/mailcow/docker-compose.yml']);
    assert.ok(argv.includes(container!));
  }
  assert.equal(s.endpoints.map((e) => e.port), [25, 465, 587, 993, 995, 4190, 443]);
  assert.is(s.endpoints.find((e) => e.port === 4190)!.starttls, 'sieve');
  assert.is(s.defaulted!.base_dir, undefined, 'base_dir was given');
});

t('user values win and are not marked as defaults', () => {
  const svc = `      postfix:
        mode: postfix
        certificate: mail
        files: { cert: /etc/ssl/mail.pem, key: /etc/ssl/private/mail.key, chain: /etc/ssl/chain.pem }
        owner: postfix
        key_mode: "0640"
        validate: []
        reload: [[postfix, reload], [postfix, flush]]
        endpoints:
          - port: 25
            dane: false
          - port: 2525
            starttls: smtp
            sni: relay.example.org
            addresses: [127.0.0.1]
`;
  const s = load(withService(svc)).hosts[0]!.services[0]!;
  assert.equal(s.files.ecdsa, { cert: '/etc/ssl/mail.pem', key: '/etc/ssl/private/mail.key', chain: '/etc/ssl/chain.pem' });
  assert.equal(s.ownership, { owner: 'postfix', group: 'root', certMode: '0644', keyMode: '0640' });
  assert.equal(s.validate, []);
  assert.equal(s.reload, [['postfix', 'reload'], ['postfix', 'flush']]);
  assert.equal(Object.keys(s.defaulted!).sort(), ['base_dir', 'cert_mode', 'group', 'replace_symlinks']);
  const [e25, e2525] = s.endpoints;
  assert.equal([e25!.starttls, e25!.dane, e25!.defaulted], ['smtp', false, { starttls: 'postfix', sni: 'certificate', addresses: 'host' }]);
  assert.equal([e2525!.starttls, e2525!.sni, e2525!.addresses], ['smtp', 'relay.example.org', ['127.0.0.1']]);
});

t('starttls: none forces implicit TLS on a port the mode knows as STARTTLS', () => {
  const svc = '      postfix:\n        mode: postfix\n        certificate: mail\n        endpoints: [{ port: 587, starttls: none }]\n';
  assert.is(load(withService(svc)).hosts[0]!.services[0]!.endpoints[0]!.starttls, undefined);
});

t('RSA + ECDSA: per-algorithm default files, per-algorithm sources', () => {
  const text = minimal().replace(`    source:
      type: files
      cert: certs/mail.pem
      key: env:MAIL_KEY
`, `    key: [{ algorithm: rsa, size: 2048 }, { algorithm: ecdsa, size: 256, reuse: false }]
    source:
      rsa: { type: files, cert: rsa.pem, key: env:RSA }
      ecdsa: { type: remote, host: mx1, dir: /etc/letsencrypt/live/mx1 }
`);
  const inv = load(text);
  const s = inv.hosts[0]!.services[0]!;
  assert.equal(s.files, {
    rsa: { cert: '/etc/postfix/certs/rsa-cert.pem', key: '/etc/postfix/certs/rsa-key.pem' },
    ecdsa: { cert: '/etc/postfix/certs/ecdsa-cert.pem', key: '/etc/postfix/certs/ecdsa-key.pem' },
  });
  const c = inv.certificates[0]!;
  assert.equal(c.keys, [{ algorithm: 'rsa', size: 2048, reuse: true }, { algorithm: 'ecdsa', size: 256, reuse: false }]);
  assert.is(c.sources.rsa!.type, 'files');
  assert.is(c.sources.ecdsa!.type, 'remote');
  assert.is(c.renewBeforeDays, 30);
});

t('certificate key defaults to ECDSA with reuse', () => {
  const c = load(minimal()).certificates[0]!;
  assert.equal(c.keys, [{ algorithm: 'ecdsa', reuse: true }]);
  assert.equal(c.defaulted, { key: 'default', renew_before_days: 'default' });
});

t('ssh: host values, then defaults.ssh, then built-in defaults', () => {
  const text = minimal()
    .replace('version: 1\n', 'version: 1\ndefaults:\n  ssh:\n    user: deploy\n    port: 2222\n    sudo: true\n    connect_timeout: 30s\n')
    .replace('      identity: env:SSH_KEY\n', '      identity: file:keys/id\n      port: 22\n');
  const ssh = load(text).hosts[0]!.ssh;
  assert.equal([ssh.user, ssh.port, ssh.sudo, ssh.connectTimeoutMs], ['deploy', 22, true, 30000]);
  assert.equal(ssh.identity, { kind: 'file', path: 'keys/id' });
  assert.equal(ssh.defaulted, { user: 'defaults.ssh', sudo: 'defaults.ssh', connect_timeout: 'defaults.ssh' });
  assert.equal(ssh.hostKeys, [KEY]);
});

t('ssh without identity uses the agent; without settings: root@22, 10s', () => {
  const ssh = load(minimal().replace('      identity: env:SSH_KEY\n', '')).hosts[0]!.ssh;
  assert.is(ssh.identity, undefined);
  assert.equal([ssh.user, ssh.port, ssh.sudo, ssh.connectTimeoutMs], ['root', 22, false, 10000]);
});

t('zones: authoritative defaults to the primary, TSIG algorithm to hmac-sha256', () => {
  const z = load(minimal() + ZONE).dns.zones[0]!;
  assert.equal(z.authoritative, ['192.0.2.53']);
  assert.equal(z.tsig, { name: 'mailtls', algorithm: 'hmac-sha256', secret: { kind: 'env', name: 'TSIG' } });
});

t.run();
