// Forcing the key algorithm against a real Dovecot that serves ECDSA (ssl_cert) and RSA
// (ssl_alt_cert): every listener, implicit and STARTTLS, must hand out the certificate asked for.
import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { makePki } from '../../unit/pki/openssl-fixtures.ts';
import type { Pki } from '../../unit/pki/openssl-fixtures.ts';
import { certFacts, containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { probeAll } from '../../../src/probe/tls/index.ts';
import type { ProbeRequest } from '../../../src/probe/tls/index.ts';
import { startDualDovecot } from './dovecot-dual.ts';
import type { DovecotInstance } from './dovecot-dual.ts';

interface Ctx { pki: Pki; dc: DovecotInstance; spki: { rsa: string; ecdsa: string } }
const t = suite<Ctx>('probe: dual ECDSA+RSA Dovecot', {} as Ctx);

t.before(async (ctx) => {
  ctx.pki = makePki();
  const ec = ctx.pki.issue('imap.lab.test', 'ec', ['imap.lab.test']);
  const rsa = ctx.pki.issue('imap.lab.test', 'rsa', ['imap.lab.test']);
  ctx.spki = { rsa: certFacts(new X509Certificate(rsa.certPem)).spki, ecdsa: certFacts(new X509Certificate(ec.certPem)).spki };
  const chainPem = ctx.pki.intermediate.certPem;
  // A random loopback address, so two runs of the suite on one machine do not collide.
  ctx.dc = await startDualDovecot(`127.0.98.${130 + Math.floor(Math.random() * 120)}`, { ...ec, chainPem }, { ...rsa, chainPem });
});
t.after(async (ctx) => {
  await ctx.dc?.stop();
  ctx.pki?.cleanup();
});

t('IMAP, IMAPS, POP3, POP3S and ManageSieve serve the certificate of the forced algorithm', async (ctx) => {
  const p = ctx.dc.ports;
  const eps: Array<[number, ProbeRequest['starttls']]> = [[p.imap, 'imap'], [p.imaps, undefined], [p.pop3, 'pop3'], [p.pop3s, undefined], [p.sieve, 'sieve']];
  const reqs: ProbeRequest[] = eps.flatMap(([port, starttls]) =>
    (['rsa', 'ecdsa'] as const).map((algorithm) => ({ address: ctx.dc.address, port, starttls, algorithm, sni: 'imap.lab.test', timeoutMs: 5000 })));
  const res = await probeAll(reqs, 4);
  for (const r of res) {
    const label = `:${r.port} ${r.starttls ?? 'implicit'} ${r.algorithm}`;
    assert.ok(r.ok, `${label} ${JSON.stringify(r.error)}`);
    assert.is(r.chain![0]!.spki, ctx.spki[r.algorithm as 'rsa' | 'ecdsa'], label);
    assert.is(r.chain!.length, 2, label);
  }
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(res)));
});

t.run();
