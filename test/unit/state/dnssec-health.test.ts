// DNSSEC health on constructed Live data: the TLSA RRSIG expiry window (max of 2 × TTL and 3
// days, error once expired) and A/AAAA of a DANE host name without AD; both shown in the status
// report (schema-valid JSON, one DNSSEC line per TLSA name in the text).
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { suite } from '../../helpers/suite.ts';
import { makePki, type Pki } from '../plan/helpers/certs.ts';
import { desiredFor, inventory, matchingLive, writeSource, NOW, OWNER } from '../plan/helpers/world.ts';
import { addressProblems, dnssecHealthProblems, rrsigProblems } from '../../../src/state/dnssec-health.ts';
import { buildStatusReport, renderStatusText } from '../../../src/state/index.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { DnsAnswer, TlsaLive } from '../../../src/state/types.ts';

const t = suite<{ pki: Pki; inv: Inventory }>('state: DNSSEC health (RRSIG expiry, address validation)', {} as { pki: Pki; inv: Inventory });
const schema = JSON.parse(readFileSync(new URL('../../../schemas/status.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const answer = (server: string, ttl: number, rrsigExpires?: string): DnsAnswer => ({ server, rcode: 'NOERROR', ad: false, ttl, records: [], ...(rrsigExpires ? { rrsigExpires } : {}) });
const live = (auth: DnsAnswer[], resolver?: DnsAnswer): TlsaLive => ({ owner: OWNER, authoritative: auth, ...(resolver ? { resolver } : {}) });

t.before((c) => {
  c.pki = makePki();
  c.inv = inventory(writeSource(c.pki, c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test'])));
});
t.after((c) => c.pki.cleanup());

t('RRSIG: 14 days left is fine; 2 days left warns (3-day floor); none recorded says nothing', () => {
  assert.equal(rrsigProblems(live([answer('192.0.2.10:53', 3600, at(14 * DAY))]), NOW), []);
  const p = rrsigProblems(live([answer('192.0.2.10:53', 3600, at(2 * DAY))]), NOW);
  assert.equal(p.map((x) => [x.code, x.severity]), [['LIVE_TLSA_RRSIG_EXPIRING', 'warning']]);
  assert.match(p[0]!.message, /expires at .* \(in 2 days\)/);
  assert.equal(p[0]!.where, { dns: OWNER, server: '192.0.2.10:53' });
  assert.equal(rrsigProblems(live([answer('192.0.2.10:53', 3600)]), NOW), []);
});

t('RRSIG: a TTL of 3 days widens the window to 6 days; the earliest answer counts, errors do not', () => {
  const ttl = 3 * 86400;
  assert.equal(rrsigProblems(live([answer('192.0.2.10:53', ttl, at(7 * DAY))]), NOW), []);
  const p = rrsigProblems(live([answer('192.0.2.10:53', ttl, at(10 * DAY)), answer('192.0.2.11:53', ttl, at(5 * DAY))]), NOW);
  assert.is(p.length, 1);
  assert.is((p[0]!.where as { server: string }).server, '192.0.2.11:53');
  const failed = { ...answer('192.0.2.11:53', 3600, at(-DAY)), error: 'timeout: no answer' };
  assert.equal(rrsigProblems(live([answer('192.0.2.10:53', 3600, at(10 * DAY)), failed]), NOW), []);
});

t('RRSIG: already expired is an error', () => {
  const p = rrsigProblems(live([answer('192.0.2.10:53', 3600, at(10 * DAY))], answer('192.0.2.53:53', 60, at(-60_000))), NOW);
  assert.equal(p.map((x) => [x.code, x.severity]), [['LIVE_TLSA_RRSIG_EXPIRING', 'error']]);
  assert.match(p[0]!.message, /192\.0\.2\.53:53 expired at /);
});

t('addresses without AD: one warning per host name, naming every TLSA owner of it; AD or no lookup: none', () => {
  const h = { name: 'mx1.example.test', addresses: ['192.0.2.25'], ad: false, errors: [] };
  const a = { ...live([]), hostAddresses: h };
  const b = { ...live([]), owner: '_465._tcp.mx1.example.test', hostAddresses: h };
  const p = addressProblems([a, b]);
  assert.equal(p.map((x) => [x.code, x.severity]), [['LIVE_ADDRESS_NOT_VALIDATED', 'warning']]);
  assert.equal(p[0]!.where, { dns: 'mx1.example.test' });
  assert.match(p[0]!.message, /mx1\.example\.test A\/AAAA \(192\.0\.2\.25\) did not validate .*_25\._tcp\.mx1\.example\.test, _465\._tcp\.mx1\.example\.test/);
  const failed = addressProblems([{ ...a, hostAddresses: { ...h, addresses: [], errors: ['servfail: 192.0.2.53:53 answered SERVFAIL for mx1.example.test A'] } }]);
  assert.match(failed[0]!.message, /no address.*SERVFAIL/);
  assert.equal(addressProblems([{ ...a, hostAddresses: { ...h, ad: true } }, live([])]), []);
  assert.equal(dnssecHealthProblems([{ ...a, hostAddresses: { ...h, ad: true } }], NOW), []);
});

t('status report: rrsig_expires and host_addresses in schema-valid JSON, one DNSSEC line in the text', async (c) => {
  const l = matchingLive(await desiredFor(c.inv));
  const tl = l.tlsa[0]!;
  for (const a of [tl.resolver!, ...tl.authoritative]) a.rrsigExpires = at(14 * DAY);
  tl.authoritative[1]!.rrsigExpires = at(13 * DAY);
  tl.hostAddresses = { name: 'mx1.example.test', addresses: ['192.0.2.25', '2001:db8::25'], ad: true, errors: [] };
  const r = buildStatusReport(c.inv, l, { now: NOW });
  assert.ok(validate(r), JSON.stringify(validate.errors));
  assert.is(r.tlsa[0]!.rrsig_expires, at(13 * DAY));
  assert.is(r.tlsa[0]!.authoritative[0]!.rrsig_expires, at(14 * DAY));
  assert.equal(r.tlsa[0]!.host_addresses, { name: 'mx1.example.test', addresses: ['192.0.2.25', '2001:db8::25'], ad: true });
  const lines = renderStatusText(r).split('\n').filter((x) => x.includes('DNSSEC'));
  assert.equal(lines, [`    DNSSEC RRSIG until ${at(13 * DAY).slice(0, 16)}Z (13 days)  mx1.example.test A/AAAA 192.0.2.25, 2001:db8::25 AD`]);
  tl.hostAddresses = { ...tl.hostAddresses, ad: false };
  assert.match(renderStatusText(buildStatusReport(c.inv, l, { now: NOW })), /A\/AAAA 192\.0\.2\.25, 2001:db8::25 no AD/);
});

t.run();
