import * as assert from 'uvu/assert';
import { X509Certificate } from 'node:crypto';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { suite } from '../../helpers/suite.ts';
import { makePki } from '../pki/openssl-fixtures.ts';
import type { Issued, Pki } from '../pki/openssl-fixtures.ts';
import { certFacts, containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { probeEndpoint, probeAll, probeProblem, mapPool } from '../../../src/probe/tls/index.ts';
import type { ProbeRequest } from '../../../src/probe/tls/index.ts';
import { closedPort, implicitTlsServer, rudeServer, startTlsServer, tlsContext } from './servers.ts';
import type { Flavour, Running, ServerTls } from './servers.ts';

interface Ctx {
  pki: Pki;
  ec: Issued;
  rsa: Issued;
  spki: { ec: string; rsa: string; int: string };
  dual: ServerTls;
  dual12: ServerTls;
  rsaOnly: ServerTls;
  servers: Running[];
  results: unknown[];
}
const t = suite<Ctx>('TLS probes against local protocol peers', {} as Ctx);

t.before((ctx) => {
  ctx.pki = makePki();
  ctx.ec = ctx.pki.issue('mx.lab.test', 'ec', ['mx.lab.test']);
  ctx.rsa = ctx.pki.issue('mx.lab.test', 'rsa', ['mx.lab.test']);
  const spki = (pem: string) => certFacts(new X509Certificate(pem)).spki;
  ctx.spki = { ec: spki(ctx.ec.certPem), rsa: spki(ctx.rsa.certPem), int: spki(ctx.pki.intermediate.certPem) };
  const pairs = [
    { key: ctx.ec.keyPem, cert: ctx.ec.certPem + ctx.pki.intermediate.certPem },
    { key: ctx.rsa.keyPem, cert: ctx.rsa.certPem + ctx.pki.intermediate.certPem },
  ];
  ctx.dual = tlsContext(pairs);
  ctx.dual12 = tlsContext(pairs, 'TLSv1.2');
  ctx.rsaOnly = tlsContext([pairs[1]!]);
  ctx.servers = [];
  ctx.results = [];
});
t.after(async (ctx) => {
  for (const s of ctx.servers ?? []) await s.close();
  ctx.pki?.cleanup();
});

async function keep(ctx: Ctx, s: Promise<Running>): Promise<Running> {
  const r = await s;
  ctx.servers.push(r);
  return r;
}

async function probe(ctx: Ctx, req: ProbeRequest) {
  const r = await probeEndpoint({ timeoutMs: 2000, ...req });
  ctx.results.push(r);
  return r;
}

t('implicit TLS, server with RSA and ECDSA certs: forcing each algorithm selects that certificate (TLS 1.3 and 1.2)', async (ctx) => {
  for (const c of [ctx.dual, ctx.dual12]) {
    const srv = await keep(ctx, implicitTlsServer(c));
    const base = { address: '127.0.0.1', port: srv.port, sni: 'mx.lab.test' };
    const rsa = await probe(ctx, { ...base, algorithm: 'rsa' });
    const ec = await probe(ctx, { ...base, algorithm: 'ecdsa' });
    const any = await probe(ctx, base);
    assert.ok(rsa.ok && ec.ok && any.ok, JSON.stringify([rsa.error, ec.error, any.error]));
    assert.is(rsa.chain![0]!.spki, ctx.spki.rsa);
    assert.is(rsa.chain![0]!.keyAlgorithm, 'rsa');
    assert.is(rsa.algorithm, 'rsa');
    assert.is(ec.chain![0]!.spki, ctx.spki.ec);
    assert.is(ec.chain![1]!.spki, ctx.spki.int, 'intermediate served after the leaf');
    assert.is(ec.chain!.length, 2, 'nothing from a local trust store is added');
    assert.is(any.algorithm, undefined);
    assert.ok([ctx.spki.ec, ctx.spki.rsa].includes(any.chain![0]!.spki));
    assert.is(rsa.tlsVersion, c === ctx.dual ? 'TLSv1.3' : 'TLSv1.2');
    assert.equal(srv.sni, ['mx.lab.test', 'mx.lab.test', 'mx.lab.test']);
  }
});

t('forcing an algorithm the server has no certificate for is a handshake failure', async (ctx) => {
  const srv = await keep(ctx, implicitTlsServer(ctx.rsaOnly));
  const r = await probe(ctx, { address: '127.0.0.1', port: srv.port, sni: 'mx.lab.test', algorithm: 'ecdsa' });
  assert.is(r.ok, false);
  assert.is(r.error!.code, 'handshake');
  assert.match(r.error!.message, /handshake failure/);
  const p = probeProblem({ ...r, host: 'mx1', service: 'postfix' })!;
  assert.is(p.code, 'PROBE_HANDSHAKE');
  assert.equal(p.where, { host: 'mx1', service: 'postfix', endpoint: `127.0.0.1:${srv.port} sni=mx.lab.test ecdsa` });
});

for (const flavour of ['smtp', 'imap', 'pop3', 'sieve'] as Flavour[]) {
  t(`${flavour} STARTTLS: served chain per algorithm; no offer, refusal and injected bytes are precise errors`, async (ctx) => {
    const ok = await keep(ctx, startTlsServer(flavour, ctx.dual));
    const base = { address: '127.0.0.1', port: ok.port, sni: 'mx.lab.test', starttls: flavour };
    for (const algorithm of ['rsa', 'ecdsa'] as const) {
      const r = await probe(ctx, { ...base, algorithm });
      assert.ok(r.ok, JSON.stringify(r.error));
      assert.is(r.starttls, flavour);
      assert.is(r.chain![0]!.spki, ctx.spki[algorithm === 'rsa' ? 'rsa' : 'ec']);
    }
    assert.equal(ok.sni, ['mx.lab.test', 'mx.lab.test']);

    const none = await keep(ctx, startTlsServer(flavour, ctx.dual, { offer: false }));
    const r1 = await probe(ctx, { ...base, port: none.port });
    assert.is(r1.error?.code, 'no-starttls');
    assert.match(r1.error!.message, /does not (offer|list)/);

    const refusing = await keep(ctx, startTlsServer(flavour, ctx.dual, { refuse: true }));
    const r2 = await probe(ctx, { ...base, port: refusing.port });
    assert.is(r2.error?.code, 'no-starttls');
    assert.match(r2.error!.message, /refused/);

    const injecting = await keep(ctx, startTlsServer(flavour, ctx.dual, { inject: true }));
    const r3 = await probe(ctx, { ...base, port: injecting.port });
    assert.is(r3.error?.code, 'protocol');
    assert.match(r3.error!.message, /unexpected bytes after agreeing to STARTTLS/);
  });
}

t('the wrong dialogue for the port is a protocol error that quotes the greeting', async (ctx) => {
  const smtp = await keep(ctx, startTlsServer('smtp', ctx.dual));
  const r = await probe(ctx, { address: '127.0.0.1', port: smtp.port, sni: 'mx.lab.test', starttls: 'imap' });
  assert.is(r.error?.code, 'protocol');
  assert.match(r.error!.message, /unexpected IMAP greeting "220-mx.lab.test ESMTP test"/);
  const garbage = await keep(ctx, rudeServer('garbage'));
  const g = await probe(ctx, { address: '127.0.0.1', port: garbage.port, sni: 'mx.lab.test', starttls: 'smtp' });
  assert.is(g.error?.code, 'protocol');
  assert.match(g.error!.message, /not an SMTP reply/);
});

t('refused port, closing server, silent server', async (ctx) => {
  const port = await closedPort();
  const refused = await probe(ctx, { address: '127.0.0.1', port, sni: 'mx.lab.test', starttls: 'smtp' });
  assert.is(refused.error?.code, 'refused');

  const closing = await keep(ctx, rudeServer('close'));
  const c1 = await probe(ctx, { address: '127.0.0.1', port: closing.port, sni: 'mx.lab.test', starttls: 'smtp' });
  assert.is(c1.error?.code, 'protocol');
  assert.match(c1.error!.message, /(closed the connection|connection failed) while waiting for the SMTP greeting/);
  const c2 = await probe(ctx, { address: '127.0.0.1', port: closing.port, sni: 'mx.lab.test' });
  assert.is(c2.error?.code, 'handshake');

  const silent = await keep(ctx, rudeServer('silent'));
  const s1 = await probe(ctx, { address: '127.0.0.1', port: silent.port, sni: 'mx.lab.test', starttls: 'pop3', timeoutMs: 300 });
  assert.is(s1.error?.code, 'timeout');
  assert.match(s1.error!.message, /within 300 ms while waiting for the POP3 greeting/);
  const s2 = await probe(ctx, { address: '127.0.0.1', port: silent.port, sni: 'mx.lab.test', timeoutMs: 300 });
  assert.is(s2.error?.code, 'timeout');
  assert.match(s2.error!.message, /TLS handshake/);
});

t('a reply that never ends times out as a whole (per step, not per line)', async (ctx) => {
  const drip = await keep(ctx, rudeServer('drip'));
  const r = await probe(ctx, { address: '127.0.0.1', port: drip.port, sni: 'mx.lab.test', starttls: 'smtp', timeoutMs: 300 });
  assert.is(r.error?.code, 'timeout');
  assert.match(r.error!.message, /SMTP greeting/);
});

t('implicit TLS against a plain-text (STARTTLS) port says so', async (ctx) => {
  const smtp = await keep(ctx, startTlsServer('smtp', ctx.dual));
  const r = await probe(ctx, { address: '127.0.0.1', port: smtp.port, sni: 'mx.lab.test' });
  assert.is(r.error?.code, 'protocol');
  assert.match(r.error!.message, /plain text, not TLS .*STARTTLS port\?/);
});

t('a server that only speaks TLS 1.1 or older is a handshake failure that says so', async (ctx) => {
  const old = createTlsServer({ key: ctx.rsa.keyPem, cert: ctx.rsa.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (s) => s.end());
  old.on('tlsClientError', () => {});
  await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
  try {
    const r = await probe(ctx, { address: '127.0.0.1', port: (old.address() as AddressInfo).port, sni: 'mx.lab.test' });
    assert.is(r.error?.code, 'handshake');
    assert.match(r.error!.message, /no common TLS version/);
  } finally {
    await new Promise((r) => old.close(r));
  }
});

t('IPv6 literal: implicit TLS and SMTP STARTTLS on ::1', async (ctx) => {
  const tls = await keep(ctx, implicitTlsServer(ctx.dual, '::1'));
  const smtp = await keep(ctx, startTlsServer('smtp', ctx.dual, {}, '::1'));
  const a = await probe(ctx, { address: '::1', port: tls.port, sni: 'mx.lab.test', algorithm: 'ecdsa' });
  const b = await probe(ctx, { address: '::1', port: smtp.port, sni: 'mx.lab.test', starttls: 'smtp', algorithm: 'rsa' });
  assert.ok(a.ok && b.ok, JSON.stringify([a.error, b.error]));
  assert.is(a.chain![0]!.spki, ctx.spki.ec);
  assert.is(b.chain![0]!.spki, ctx.spki.rsa);
  const port = await closedPort('::1');
  const r = await probe(ctx, { address: '::1', port, sni: 'mx.lab.test' });
  assert.is(r.error?.code, 'refused');
  assert.match(r.error!.message, new RegExp(`\\[::1\\]:${port}`));
});

t('an IP literal as SNI is not sent (RFC 6066)', async (ctx) => {
  const srv = await keep(ctx, implicitTlsServer(ctx.dual));
  const r = await probe(ctx, { address: '127.0.0.1', port: srv.port, sni: '127.0.0.1' });
  assert.ok(r.ok);
  assert.equal(srv.sni, []);
});

t('an address without a route is unreachable (or times out where a route exists)', async (ctx) => {
  // 2001:db8::/32 is documentation space; without an IPv6 default route connect fails at once.
  const r = await probe(ctx, { address: '2001:db8::1', port: 25, sni: 'mx.lab.test', timeoutMs: 500 });
  assert.ok(r.error && ['unreachable', 'timeout'].includes(r.error.code), JSON.stringify(r.error));
});

t('probeAll: bounded concurrency, results in request order, every socket closed', async (ctx) => {
  const smtp = await keep(ctx, startTlsServer('smtp', ctx.dual));
  const port = await closedPort();
  const reqs: ProbeRequest[] = [];
  for (let i = 0; i < 24; i++) {
    reqs.push(i % 6 === 5
      ? { address: '127.0.0.1', port, sni: 'mx.lab.test', service: `s${i}` }
      : { address: '127.0.0.1', port: smtp.port, sni: 'mx.lab.test', starttls: 'smtp', algorithm: i % 2 ? 'rsa' : 'ecdsa', service: `s${i}` });
  }
  const res = await probeAll(reqs, 4);
  ctx.results.push(...res);
  assert.equal(res.map((r) => r.service), reqs.map((r) => r.service));
  assert.equal(res.map((r) => r.ok), reqs.map((_, i) => i % 6 !== 5));
  assert.ok(smtp.maxOpen >= 2, 'probes ran in parallel');
  for (let i = 0; i < 50 && smtp.open() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.is(smtp.open(), 0, 'no connection left open');
});

t('mapPool never runs more than `concurrency` at once and keeps order', async () => {
  let inFlight = 0;
  let max = 0;
  const out = await mapPool(Array.from({ length: 30 }, (_, i) => i), 5, async (n) => {
    inFlight++;
    max = Math.max(max, inFlight);
    await new Promise((r) => setTimeout(r, n % 3));
    inFlight--;
    return n * 2;
  });
  assert.is(max, 5);
  assert.equal(out, Array.from({ length: 30 }, (_, i) => i * 2));
  assert.equal(await mapPool([], 4, async () => 1), []);
  assert.equal(await mapPool([1, 2], 0, async (x) => x), [1, 2], 'concurrency below 1 still makes progress');
});

t('no result carries private-key material', (ctx) => {
  assert.ok(ctx.results.length > 40);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(ctx.results)));
});

t.run();
