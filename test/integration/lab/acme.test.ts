// pebble issues through DNS-01 against the lab DNS, and `renew` rotates the npm source like
// certbot: a new numbered archive version, live/ links repointed, mail hosts and DNS untouched.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, labEnv, issueFromPebble, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { newEcKeyPem } from '../../lab/keys.ts';
import { spkiSha256OfPem } from '../../lab/source.ts';
import { dig } from './wire.ts';

const env = labEnv();
const live = env.hosts.npm.live;
const t = suite('lab: ACME (pebble) and the npm source');

t.before(async () => {
  await labUp();
});

t('pebble issues a certificate through DNS-01 against the lab DNS, for our own key', async () => {
  const key = newEcKeyPem();
  const name = `acme-${process.pid}.${env.dns.zone}`;
  const issued = await issueFromPebble([name], key);
  const leaf = new X509Certificate(issued.cert);
  assert.ok(leaf.subjectAltName?.includes(`DNS:${name}`));
  assert.match(leaf.issuer, /Pebble/);
  assert.ok(leaf.checkPrivateKey(createPrivateKey(key)));
  assert.ok(leaf.verify(new X509Certificate(issued.chain).publicKey));
  // The challenge record is gone again.
  const txt = await dig(env.dns.primary.address, `_acme-challenge.${name}`, 'TXT', ['+norec']);
  assert.equal(txt.records, []);
});

function liveTargets(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['cert', 'chain', 'fullchain', 'privkey']) {
    const p = join(live, `${f}.pem`);
    assert.ok(lstatSync(p).isSymbolicLink(), `${p} is a symlink`);
    out[f] = readlinkSync(p);
  }
  return out;
}

t('renew: a new archive version for the same key, live/ repointed; mail hosts untouched', async () => {
  const v = sourceVersion();
  const mxBefore = readFileSync(env.hosts.mx1.services.postfix.cert, 'utf8');
  const oldCert = readFileSync(join(live, 'cert.pem'), 'utf8');
  try {
    const r = await renewSource();
    assert.is(r.version, v + 1);
    assert.not.ok(r.newKey);
    const targets = liveTargets();
    assert.is(targets.cert, `../../archive/${env.certificate.lineage}/cert${v + 1}.pem`);
    assert.is(targets.privkey, `../../archive/${env.certificate.lineage}/privkey${v + 1}.pem`);
    const newCert = readFileSync(join(live, 'cert.pem'), 'utf8');
    assert.is.not(newCert, oldCert);
    assert.is(spkiSha256OfPem(newCert), spkiSha256OfPem(oldCert));
    assert.is(readFileSync(join(live, 'fullchain.pem'), 'utf8'), newCert + readFileSync(join(live, 'chain.pem'), 'utf8'));
    assert.is(lstatSync(join(live, 'privkey.pem')).isSymbolicLink(), true);
    assert.is(readFileSync(env.hosts.mx1.services.postfix.cert, 'utf8'), mxBefore);
  } finally {
    await restoreSource(v);
  }
  assert.is(readFileSync(join(live, 'cert.pem'), 'utf8'), oldCert);
  assert.is(sourceVersion(), v);
});

t('renew --new-key: a new key in the new version', async () => {
  const v = sourceVersion();
  const oldSpki = spkiSha256OfPem(readFileSync(join(live, 'privkey.pem'), 'utf8'));
  try {
    const r = await renewSource({ newKey: true });
    assert.ok(r.newKey);
    assert.is.not(r.spkiSha256, oldSpki);
    assert.is(spkiSha256OfPem(readFileSync(join(live, 'cert.pem'), 'utf8')), r.spkiSha256);
    assert.is(spkiSha256OfPem(readFileSync(join(live, 'privkey.pem'), 'utf8')), r.spkiSha256);
  } finally {
    await restoreSource(v);
  }
  assert.is(spkiSha256OfPem(readFileSync(join(live, 'privkey.pem'), 'utf8')), oldSpki);
});

t.run();
