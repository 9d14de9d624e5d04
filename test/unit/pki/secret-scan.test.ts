import * as assert from 'uvu/assert';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki } from './openssl-fixtures.ts';
import type { Pki } from './openssl-fixtures.ts';
import { certFacts, containsPrivateKeyMaterial, findPrivateKeyMaterial, tlsaRecord } from '../../../src/pki/index.ts';

const t = suite<{ pki: Pki }>('pki secret scan', {} as { pki: Pki });
t.before((ctx) => {
  ctx.pki = makePki();
});
t.after((ctx) => ctx.pki?.cleanup());

function body(pem: string): string {
  return pem.split('\n').filter((l) => l && !l.startsWith('-----')).join('\n');
}

t('every PEM key flavour is found, with and without its markers', ({ pki }) => {
  for (const [spec, fmt] of [['ec', 'pkcs8'], ['ec', 'traditional'], ['rsa', 'pkcs8'], ['rsa', 'traditional'], ['ed25519', 'pkcs8']] as const) {
    const { keyPem } = pki.issue('s.lab.test', spec, ['s.lab.test'], { keyFormat: fmt });
    assert.ok(containsPrivateKeyMaterial(keyPem), `${spec} ${fmt} PEM`);
    assert.ok(containsPrivateKeyMaterial(`{"x":"${body(keyPem).replace(/\n/g, '')}"}`), `${spec} ${fmt} bare base64`);
    assert.ok(containsPrivateKeyMaterial(`log: ${body(keyPem)}`), `${spec} ${fmt} base64 lines`);
    const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
    assert.ok(containsPrivateKeyMaterial(`hex ${der.toString('hex')}`), `${spec} hex DER`);
    assert.ok(containsPrivateKeyMaterial(JSON.stringify({ key: der })), `${spec} Buffer as JSON`);
  }
});

t('OpenSSH, JWK and Buffer inputs', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = JSON.stringify(privateKey.export({ format: 'jwk' }));
  assert.ok(containsPrivateKeyMaterial(jwk));
  assert.ok(containsPrivateKeyMaterial(Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }))));
  assert.ok(containsPrivateKeyMaterial('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n'));
  assert.equal(findPrivateKeyMaterial('x -----BEGIN EC PRIVATE KEY-----').map((h) => h.kind), ['pem-private-key']);
});

t('identities are not flagged: certificates, public keys, facts, TLSA, JWK public', ({ pki }) => {
  const leaf = pki.issue('s.lab.test', 'rsa', ['s.lab.test']);
  const cert = new X509Certificate(leaf.certPem);
  const pub = cert.publicKey;
  const text = [
    leaf.certPem, pki.intermediate.certPem, pki.root.certPem,
    pub.export({ type: 'spki', format: 'pem' }).toString(),
    pub.export({ type: 'spki', format: 'der' }).toString('base64'),
    cert.raw.toString('hex'),
    JSON.stringify(certFacts(cert)), JSON.stringify(tlsaRecord(cert, 3, 0, 0)),
    JSON.stringify(pub.export({ format: 'jwk' })),
    JSON.stringify({ raw: cert.raw }),
  ].join('\n');
  assert.equal(findPrivateKeyMaterial(text), []);
});

t.run();
