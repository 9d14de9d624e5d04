import * as assert from 'uvu/assert';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki, opensslSpkiSha256 } from './openssl-fixtures.ts';
import { spkiFromCertDer } from '../../../src/pki/der.ts';
import type { Pki } from './openssl-fixtures.ts';
import { certFacts, keyFacts, keyMatchesCert, parsePemBundle, chainInOrder, firstChainBreak, containsPrivateKeyMaterial } from '../../../src/pki/index.ts';

const t = suite<{ pki: Pki }>('pki facts', {} as { pki: Pki });
t.before((ctx) => {
  ctx.pki = makePki();
});
t.after((ctx) => ctx.pki?.cleanup());

t('certFacts of an EC leaf: SPKI equals openssl, names, dates, issuer', ({ pki }) => {
  const leaf = pki.issue('mx1.lab.test', 'ec', ['mx1.lab.test', '*.lab.test', '127.0.10.1', '::1', '2001:DB8:0:0:0:0:0:1']);
  const f = certFacts(new X509Certificate(leaf.certPem));
  assert.is(f.spki, opensslSpkiSha256(leaf.certPath));
  assert.equal(f.names, ['mx1.lab.test', '*.lab.test', '127.0.10.1', '::1', '2001:db8::1']);
  assert.is(f.subject, 'CN=mx1.lab.test');
  assert.is(f.issuer, 'CN=mailtls Test Intermediate');
  assert.is(f.keyAlgorithm, 'ecdsa');
  assert.is(f.selfSigned, false);
  assert.match(f.serial, /^[0-9a-f]+$/);
  assert.match(f.fingerprint, /^[0-9a-f]{64}$/);
  assert.ok(Date.parse(f.notAfter) - Date.parse(f.notBefore) === 30 * 86_400_000);
  assert.is(f.notAfter, new Date(f.notAfter).toISOString());
});

t('key algorithms rsa, ecdsa, ed25519; self-signed detected', ({ pki }) => {
  for (const [spec, alg] of [['rsa', 'rsa'], ['ec', 'ecdsa'], ['ed25519', 'ed25519']] as const) {
    const c = pki.selfSigned(`${spec}.lab.test`, spec, [`${spec}.lab.test`]);
    const f = certFacts(new X509Certificate(c.certPem));
    assert.is(f.keyAlgorithm, alg);
    assert.is(f.selfSigned, true);
    assert.is(f.spki, opensslSpkiSha256(c.certPath));
    const k = keyFacts(createPrivateKey(c.keyPem));
    assert.equal(k, { algorithm: alg, spki: f.spki });
  }
});

t('keyMatchesCert: own key yes, other key no, public half yes', ({ pki }) => {
  const a = pki.issue('a.lab.test', 'ec', ['a.lab.test']);
  const b = pki.issue('b.lab.test', 'ec', ['b.lab.test']);
  const r = pki.issue('r.lab.test', 'rsa', ['r.lab.test']);
  const ca = new X509Certificate(a.certPem);
  assert.ok(keyMatchesCert(createPrivateKey(a.keyPem), ca));
  assert.not.ok(keyMatchesCert(createPrivateKey(b.keyPem), ca));
  assert.not.ok(keyMatchesCert(createPrivateKey(r.keyPem), ca));
  assert.ok(keyMatchesCert(createPublicKey(createPrivateKey(a.keyPem)), ca));
});

t('parsePemBundle: leaf + chain order kept, one key of each PEM flavour', ({ pki }) => {
  for (const [spec, fmt, label] of [['ec', 'pkcs8', 'PRIVATE KEY'], ['ec', 'traditional', 'EC PRIVATE KEY'], ['rsa', 'traditional', 'RSA PRIVATE KEY'], ['ed25519', 'pkcs8', 'PRIVATE KEY']] as const) {
    const leaf = pki.issue('mx.lab.test', spec, ['mx.lab.test'], { keyFormat: fmt });
    assert.ok(leaf.keyPem.startsWith(`-----BEGIN ${label}-----`), label);
    // Postfix smtpd_tls_chain_files style: key first, then leaf, then chain.
    const b = parsePemBundle(leaf.keyPem + leaf.certPem + pki.intermediate.certPem);
    assert.equal(b.errors, []);
    assert.is(b.certs.length, 2);
    assert.ok(b.key);
    assert.ok(keyMatchesCert(b.key!, b.certs[0]!));
    assert.is(certFacts(b.certs[1]!).subject, 'CN=mailtls Test Intermediate');
    assert.ok(chainInOrder(b.certs));
  }
});

t('parsePemBundle: second key, garbage block, no PEM, encrypted key are errors without material', ({ pki }) => {
  const a = pki.issue('a.lab.test', 'ec', ['a.lab.test']);
  const b = pki.issue('b.lab.test', 'ec', ['b.lab.test']);
  const two = parsePemBundle(a.keyPem + b.keyPem + a.certPem);
  assert.is(two.errors.length, 1);
  assert.match(two.errors[0]!, /second private key/);
  assert.ok(keyMatchesCert(two.key!, two.certs[0]!), 'first key kept');
  const bad = parsePemBundle('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  assert.is(bad.certs.length, 0);
  assert.match(bad.errors[0]!, /not a valid certificate/);
  assert.equal(parsePemBundle('hello').errors, ['no PEM block found']);
  const enc = parsePemBundle('-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n');
  assert.match(enc.errors[0]!, /encrypted/);
  const badKey = parsePemBundle('-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n');
  assert.is(badKey.key, undefined);
  for (const e of [...two.errors, ...bad.errors, ...enc.errors, ...badKey.errors]) assert.not.ok(containsPrivateKeyMaterial(e), e);
});

t('chainInOrder / firstChainBreak on real chains', ({ pki }) => {
  const leaf = new X509Certificate(pki.issue('mx.lab.test', 'ec', ['mx.lab.test']).certPem);
  const int = new X509Certificate(pki.intermediate.certPem);
  const root = new X509Certificate(pki.root.certPem);
  assert.ok(chainInOrder([leaf, int, root]));
  assert.ok(chainInOrder([leaf]));
  assert.not.ok(chainInOrder([leaf, root]));
  assert.is(firstChainBreak([int, leaf]), 0);
  assert.is(firstChainBreak([leaf, int, leaf]), 1);
  // Same issuer name but a different key: names agree, signature does not.
  const other = makePki();
  try {
    const fakeInt = new X509Certificate(other.intermediate.certPem);
    assert.is(fakeInt.subject, int.subject);
    assert.not.ok(chainInOrder([leaf, fakeInt]));
  } finally {
    other.cleanup();
  }
});

t('SPKI read from the certificate DER equals what OpenSSL exports, for every key type', ({ pki }) => {
  const pems = [pki.root.certPem, pki.intermediate.certPem, pki.issue('x.lab.test', 'rsa', ['x.lab.test']).certPem,
    pki.issue('x.lab.test', 'ec', ['x.lab.test']).certPem, pki.selfSigned('x.lab.test', 'ed25519', ['x.lab.test']).certPem];
  for (const pem of pems) {
    const c = new X509Certificate(pem);
    assert.ok(spkiFromCertDer(c.raw).equals(c.publicKey.export({ type: 'spki', format: 'der' })));
  }
  assert.throws(() => spkiFromCertDer(Buffer.from('300a0201', 'hex')), /truncated|bad/);
  assert.throws(() => spkiFromCertDer(Buffer.from('0400', 'hex')), /certificate|truncated/);
});

t.run();
