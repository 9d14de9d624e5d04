// Does forcing the signature algorithms really make a dual-certificate Postfix serve the other
// certificate? A private Postfix instance with an RSA and an ECDSA chain answers for TLS 1.3,
// TLS 1.2 and implicit TLS.
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki } from '../../unit/pki/openssl-fixtures.ts';
import type { Pki } from '../../unit/pki/openssl-fixtures.ts';
import { certFacts, containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { probeEndpoint } from '../../../src/probe/tls/index.ts';
import type { ProbeResult } from '../../../src/state/types.ts';
import { startDualPostfix } from './postfix-dual.ts';
import type { PostfixInstance } from './postfix-dual.ts';

interface Ctx { pki: Pki; pf: PostfixInstance; spki: { rsa: string; ecdsa: string }; results: ProbeResult[] }
const t = suite<Ctx>('probe: dual RSA+ECDSA Postfix', {} as Ctx);

t.before(async (ctx) => {
  ctx.pki = makePki();
  const ec = ctx.pki.issue('dual.lab.test', 'ec', ['dual.lab.test']);
  const rsa = ctx.pki.issue('dual.lab.test', 'rsa', ['dual.lab.test']);
  ctx.spki = { rsa: certFacts(new X509Certificate(rsa.certPem)).spki, ecdsa: certFacts(new X509Certificate(ec.certPem)).spki };
  const chainPem = ctx.pki.intermediate.certPem;
  // A random loopback address, so two runs of the suite on one machine do not collide.
  ctx.pf = await startDualPostfix(`127.0.98.${10 + Math.floor(Math.random() * 120)}`, [
    { keyPem: rsa.keyPem, certPem: rsa.certPem, chainPem },
    { keyPem: ec.keyPem, certPem: ec.certPem, chainPem },
  ]);
  ctx.results = [];
});
t.after(async (ctx) => {
  await ctx.pf?.stop();
  ctx.pki?.cleanup();
});

for (const [label, port, starttls, version] of [
  ['SMTP STARTTLS, TLS 1.3', 'smtp', 'smtp', 'TLSv1.3'],
  ['SMTP STARTTLS, TLS 1.2 only', 'smtp12', 'smtp', 'TLSv1.2'],
  ['implicit TLS (465)', 'submissions', undefined, 'TLSv1.3'],
] as const) {
  t(`${label}: rsa → the RSA certificate, ecdsa → the ECDSA certificate`, async (ctx) => {
    for (const algorithm of ['rsa', 'ecdsa'] as const) {
      const r = await probeEndpoint({ address: ctx.pf.address, port: ctx.pf.ports[port], starttls, sni: 'dual.lab.test', algorithm, timeoutMs: 5000 });
      ctx.results.push(r);
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.is(r.tlsVersion, version);
      assert.is(r.chain![0]!.spki, ctx.spki[algorithm], `${algorithm} leaf`);
      assert.is(r.chain!.length, 2);
    }
    const any = await probeEndpoint({ address: ctx.pf.address, port: ctx.pf.ports[port], starttls, sni: 'dual.lab.test', timeoutMs: 5000 });
    ctx.results.push(any);
    assert.ok(any.ok);
    assert.ok([ctx.spki.rsa, ctx.spki.ecdsa].includes(any.chain![0]!.spki));
  });
}

t('no result carries key material', (ctx) => {
  assert.is(ctx.results.length, 9);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(ctx.results)));
});

t.run();
