import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki } from './openssl-fixtures.ts';
import type { Pki } from './openssl-fixtures.ts';
import { certFacts, namesCovered, nameMatches, daysLeft, isExpired, isNotYetValid, validFor } from '../../../src/pki/index.ts';

const t = suite<{ pki: Pki }>('pki names and expiry', {} as { pki: Pki });
t.before((ctx) => {
  ctx.pki = makePki();
});
t.after((ctx) => ctx.pki?.cleanup());

t('wildcard covers exactly one left-most label', () => {
  assert.ok(nameMatches('*.lab.test', 'mx1.lab.test'));
  assert.ok(nameMatches('*.lab.test', 'MX1.Lab.Test.'));
  assert.not.ok(nameMatches('*.lab.test', 'lab.test'));
  assert.not.ok(nameMatches('*.lab.test', 'a.mx1.lab.test'));
  assert.not.ok(nameMatches('*.test', 'lab.test'), 'wildcard over a single label suffix');
  assert.not.ok(nameMatches('mx*.lab.test', 'mx1.lab.test'), 'partial wildcards are not honoured');
  assert.not.ok(nameMatches('*.*.test', 'a.b.test'));
  assert.ok(nameMatches('mx1.lab.test', 'mx1.lab.test'));
});

t('IP names match IP SANs only, IPv6 in any spelling', () => {
  assert.ok(nameMatches('2001:db8::1', '2001:DB8:0:0:0:0:0:1'));
  assert.ok(nameMatches('127.0.10.1', '127.0.10.1'));
  assert.not.ok(nameMatches('*.0.10.1', '127.0.10.1'));
  assert.not.ok(nameMatches('127.0.10.1', '127.0.10.2'));
});

t('namesCovered on a real certificate and on its facts', ({ pki }) => {
  const c = new X509Certificate(pki.issue('mx1.lab.test', 'ec', ['mx1.lab.test', '*.mail.lab.test', '::1']).certPem);
  const want = ['mx1.lab.test', 'imap.mail.lab.test', 'lab.test', 'x.imap.mail.lab.test', '0:0:0:0:0:0:0:1'];
  const expected = { ok: false, covered: ['mx1.lab.test', 'imap.mail.lab.test', '0:0:0:0:0:0:0:1'], missing: ['lab.test', 'x.imap.mail.lab.test'] };
  assert.equal(namesCovered(c, want), expected);
  assert.equal(namesCovered(certFacts(c), want), expected);
  assert.ok(namesCovered(c, ['mx1.lab.test']).ok);
  // Node's own OpenSSL check agrees on the wildcard cases.
  assert.is(c.checkHost('imap.mail.lab.test'), '*.mail.lab.test');
  assert.is(c.checkHost('x.imap.mail.lab.test'), undefined);
});

t('CN alone covers nothing (SANs only)', ({ pki }) => {
  const c = new X509Certificate(pki.issue('cn-only.lab.test', 'ec', ['other.lab.test']).certPem);
  assert.equal(namesCovered(c, ['cn-only.lab.test']).missing, ['cn-only.lab.test']);
});

t('daysLeft / expired / not yet valid around the real dates', ({ pki }) => {
  const c = new X509Certificate(pki.issue('d.lab.test', 'ec', ['d.lab.test'], { days: 10 }).certPem);
  const f = certFacts(c);
  const nb = Date.parse(f.notBefore);
  const na = Date.parse(f.notAfter);
  assert.is(daysLeft(c, new Date(nb)), 10);
  assert.is(daysLeft(f, new Date(nb + 1000)), 9);
  assert.is(daysLeft(c, new Date(na)), 0);
  assert.is(daysLeft(c, new Date(na + 1)), -1);
  assert.not.ok(isExpired(c, new Date(na)));
  assert.ok(isExpired(f, new Date(na + 1)));
  assert.ok(isNotYetValid(c, new Date(nb - 1)));
  assert.ok(validFor(c, 9, new Date(nb + 1000)));
  assert.not.ok(validFor(c, 10, new Date(nb + 1000)));
  assert.not.ok(validFor(c, 0, new Date(nb - 1)));
});

t.run();
