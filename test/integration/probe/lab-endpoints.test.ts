// Probes every TLS endpoint of the lab's real Postfix (mx1, mx2) and Dovecot (mx1) and checks that
// the served chain is the one in the certificate file on disk (the lab runs on this machine).
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import { suite } from '../../helpers/suite.ts';
import { labEnv } from '../../lab/env.ts';
import { certFacts, containsPrivateKeyMaterial, keyFacts, parsePemBundle, tlsaMatches, tlsaRecord } from '../../../src/pki/index.ts';
import { probeAll, probeEndpoint } from '../../../src/probe/tls/index.ts';
import type { ProbeRequest } from '../../../src/probe/tls/index.ts';
import type { CertFacts, ProbeResult } from '../../../src/state/types.ts';
import type { KeyAlgorithm } from '../../../src/inventory/types.ts';

interface Target {
  host: string;
  service: string;
  address: string;
  sni: string;
  endpoints: { name: string; port: number; starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve' }[];
  chain: CertFacts[];
  algorithm: KeyAlgorithm;
  leaf: X509Certificate;
}

const t = suite<{ targets: Target[]; results: ProbeResult[] }>('probe: lab Postfix and Dovecot', {} as { targets: Target[]; results: ProbeResult[] });

t.before((ctx) => {
  const env = labEnv();
  const mk = (host: 'mx1' | 'mx2', service: 'postfix' | 'dovecot'): Target => {
    const h = env.hosts[host];
    const files = (h.services as Record<string, { cert: string; key: string; endpoints: Target['endpoints'] }>)[service]!;
    const bundle = parsePemBundle(readFileSync(files.cert, 'utf8'));
    assert.equal(bundle.errors, [], `${files.cert} parses`);
    // Key facts only: the key object is dropped right away.
    const key = keyFacts(createPrivateKey(readFileSync(files.key)));
    const chain = bundle.certs.map(certFacts);
    assert.is(key.spki, chain[0]!.spki, `${files.key} belongs to ${files.cert}`);
    return { host, service, address: h.address, sni: h.name, endpoints: files.endpoints, chain, algorithm: key.algorithm, leaf: bundle.certs[0]! };
  };
  ctx.targets = [mk('mx1', 'postfix'), mk('mx1', 'dovecot'), mk('mx2', 'postfix')];
  ctx.results = [];
});

t('every endpoint serves the certificate file on disk (leaf SPKI and the whole chain), forced to its key type', async (ctx) => {
  const reqs: Array<ProbeRequest & { expect: CertFacts[] }> = [];
  for (const tg of ctx.targets) {
    for (const ep of tg.endpoints) {
      reqs.push({ host: tg.host, service: tg.service, address: tg.address, port: ep.port, starttls: ep.starttls, sni: tg.sni, algorithm: tg.algorithm, timeoutMs: 5000, expect: tg.chain });
    }
  }
  assert.ok(reqs.length >= 11, 'mx1 postfix 3 + dovecot 5 + mx2 postfix 3');
  const res = await probeAll(reqs, 8);
  ctx.results.push(...res);
  for (const [i, r] of res.entries()) {
    const label = `${r.host} ${r.service} :${r.port}${r.starttls ? ` starttls=${r.starttls}` : ''}`;
    assert.ok(r.ok, `${label}: ${JSON.stringify(r.error)}`);
    assert.is(r.chain![0]!.spki, reqs[i]!.expect[0]!.spki, `${label} leaf SPKI`);
    assert.equal(r.chain!.map((c) => c.fingerprint), reqs[i]!.expect.map((c) => c.fingerprint), `${label} chain`);
    assert.is(r.tlsVersion, 'TLSv1.3', label);
  }
});

t('the DANE-EE record of the file matches what Postfix serves on port 25', async (ctx) => {
  const tg = ctx.targets[0]!;
  const r = await probeEndpoint({ address: tg.address, port: 25, starttls: 'smtp', sni: tg.sni, timeoutMs: 5000 });
  ctx.results.push(r);
  const m = tlsaMatches([tlsaRecord(tg.leaf, 3, 1, 1)], r.chain!);
  assert.ok(m.ok, JSON.stringify(m));
});

t('forcing the key type the lab does not serve fails the handshake on Postfix and Dovecot', async (ctx) => {
  for (const tg of [ctx.targets[0]!, ctx.targets[1]!]) {
    const other: KeyAlgorithm = tg.algorithm === 'rsa' ? 'ecdsa' : 'rsa';
    const ep = tg.endpoints.find((e) => e.starttls)!;
    const r = await probeEndpoint({ address: tg.address, port: ep.port, starttls: ep.starttls, sni: tg.sni, algorithm: other, timeoutMs: 5000 });
    ctx.results.push(r);
    assert.is(r.ok, false);
    assert.is(r.error?.code, 'handshake', JSON.stringify(r.error));
  }
});

t('the wrong STARTTLS flavour against a real daemon is a protocol error', async (ctx) => {
  const tg = ctx.targets[1]!; // dovecot
  const r = await probeEndpoint({ address: tg.address, port: 143, starttls: 'smtp', sni: tg.sni, timeoutMs: 5000 });
  ctx.results.push(r);
  assert.is(r.error?.code, 'protocol');
  assert.match(r.error!.message, /not an SMTP reply/);
});

t('no probe result carries key material', (ctx) => {
  assert.ok(ctx.results.length > 10);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(ctx.results)));
});

t.run();
