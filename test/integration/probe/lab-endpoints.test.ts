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
  keySpki: string;
}

const t = suite<{ targets: Target[]; results: ProbeResult[] }>('probe: lab Postfix and Dovecot', {} as { targets: Target[]; results: ProbeResult[] });

// Other suites (deploy, rollback) swap mx1's files while they run; a target is read afresh for
// each attempt, and a comparison is retried until files and wire hold still.
function readTarget(host: 'mx1' | 'mx2', service: 'postfix' | 'dovecot'): Target {
  const h = labEnv().hosts[host];
  const files = (h.services as Record<string, { cert: string; key: string; endpoints: Target['endpoints'] }>)[service]!;
  const bundle = parsePemBundle(readFileSync(files.cert, 'utf8'));
  assert.equal(bundle.errors, [], `${files.cert} parses`);
  // Key facts only: the key object is dropped right away.
  const key = keyFacts(createPrivateKey(readFileSync(files.key)));
  const chain = bundle.certs.map(certFacts);
  return { host, service, address: h.address, sni: h.name, endpoints: files.endpoints, chain, algorithm: key.algorithm, leaf: bundle.certs[0]!, keySpki: key.spki };
}

async function settled<T>(attempt: () => Promise<T | string>): Promise<T> {
  let last = '';
  for (let i = 0; i < 20; i++) {
    const r = await attempt();
    if (typeof r !== 'string') return r;
    last = r;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`files and served chain never agreed (is another suite changing the lab?): ${last}`);
}

const KEYS: Array<['mx1' | 'mx2', 'postfix' | 'dovecot']> = [['mx1', 'postfix'], ['mx1', 'dovecot'], ['mx2', 'postfix']];

t.before((ctx) => {
  ctx.targets = KEYS.map(([h, s]) => readTarget(h, s));
  ctx.results = [];
});

t('every endpoint serves the certificate file on disk (leaf SPKI and the whole chain), forced to its key type', async (ctx) => {
  for (const [host, service] of KEYS) {
    const res = await settled(async () => {
      const tg = readTarget(host, service);
      if (tg.keySpki !== tg.chain[0]!.spki) return `${host} ${service}: key file does not match cert file`;
      const reqs: ProbeRequest[] = tg.endpoints.map((ep) => ({ host, service, address: tg.address, port: ep.port, starttls: ep.starttls, sni: tg.sni, algorithm: tg.algorithm, timeoutMs: 5000 }));
      const rs = await probeAll(reqs, 8);
      ctx.results.push(...rs);
      const off = rs.find((r) => !r.ok || r.chain![0]!.spki !== tg.chain[0]!.spki);
      return off ? `${host} ${service} :${off.port} ${off.ok ? `serves ${off.chain![0]!.spki}, file has ${tg.chain[0]!.spki}` : JSON.stringify(off.error)}` : { tg, rs };
    });
    assert.is(res.rs.length, service === 'dovecot' ? 5 : 3);
    for (const r of res.rs) {
      const label = `${r.host} ${r.service} :${r.port}${r.starttls ? ` starttls=${r.starttls}` : ''}`;
      assert.ok(r.ok, label);
      assert.is(r.chain![0]!.spki, res.tg.chain[0]!.spki, `${label} leaf SPKI`);
      assert.equal(r.chain!.map((c) => c.fingerprint), res.tg.chain.map((c) => c.fingerprint), `${label} chain`);
      assert.is(r.tlsVersion, 'TLSv1.3', label);
    }
  }
});

t('the DANE-EE record of the file matches what Postfix serves on port 25 (mx2)', async (ctx) => {
  const m = await settled(async () => {
    const tg = readTarget('mx2', 'postfix');
    const r = await probeEndpoint({ address: tg.address, port: 25, starttls: 'smtp', sni: tg.sni, timeoutMs: 5000 });
    ctx.results.push(r);
    if (!r.ok) return JSON.stringify(r.error);
    const res = tlsaMatches([tlsaRecord(tg.leaf, 3, 1, 1)], r.chain!);
    return res.ok ? res : JSON.stringify(res);
  });
  assert.is(m.matched[0]!.depth, 0);
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

t('implicit TLS against Postfix port 25 (a STARTTLS port) is a clear protocol error', async (ctx) => {
  const tg = ctx.targets[0]!;
  const r = await probeEndpoint({ address: tg.address, port: 25, sni: tg.sni, timeoutMs: 5000 });
  ctx.results.push(r);
  assert.is(r.error?.code, 'protocol', JSON.stringify(r.error));
  assert.match(r.error!.message, /plain text/);
});

t('no probe result carries key material', (ctx) => {
  assert.ok(ctx.results.length > 10);
  assert.not.ok(containsPrivateKeyMaterial(JSON.stringify(ctx.results)));
});

t.run();
