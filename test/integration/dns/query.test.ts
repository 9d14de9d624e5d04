// The DNS client and TLSA gather against the lab's real Knot (primary + secondary) and unbound.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { gatherTlsa, lookupAddresses, propagation, query, tlsaProblems } from '../../../src/probe/dns/index.ts';
import { authoritative, env, primary, resolver } from './lab-zone.ts';

const t = suite('dns queries against the lab');
const owner = env.dns.tlsaNames[0]!;

t('TLSA of mx1 in lab.test validates (AD) at unbound; every authoritative server answers with its serial', async () => {
  const live = await gatherTlsa({ owner, resolver, authoritative, zone: env.dns.zone });
  assert.is(live.resolver?.ad, true, JSON.stringify(live.resolver));
  assert.ok(live.resolver!.records.length >= 1);
  assert.ok(live.resolver!.records.every((r) => /^[0-9a-f]+$/.test(r.data)));
  assert.is(live.authoritative.length, 2);
  for (const a of live.authoritative) {
    assert.is(a.error, undefined, a.error);
    assert.is(a.ad, false, 'an authoritative answer never carries AD');
    assert.type(a.soaSerial, 'number');
  }
  const p = propagation(live);
  // another test may be publishing right now; when the servers agree, they serve what unbound saw
  if (p.agreed) assert.equal(p.records, live.resolver!.records);
  else console.log(`# servers did not agree at this moment: ${JSON.stringify(p.servers)}`);
});

t('a TLSA record in unsigned.test has AD clear, and the secondary (not serving it) is REFUSED as data', async () => {
  // The unsigned zone's mail host, found through its MX (the lab does not name it).
  const mx = await query({ server: resolver, name: env.dns.unsignedZone, type: 'MX' });
  assert.is(mx.flags.ad, false);
  const host = mx.answers.find((a) => a.type === 'MX');
  assert.ok(host && host.type === 'MX');
  const name = `_25._tcp.${host.data.exchange}`;
  const live = await gatherTlsa({ owner: name, resolver, authoritative });
  assert.ok(live.resolver!.records.length >= 1, JSON.stringify(live.resolver));
  assert.is(live.resolver?.ad, false);
  assert.is(live.resolver?.error, undefined);
  assert.type(live.authoritative[0]!.soaSerial, 'number');
  assert.is(live.authoritative[1]!.rcode, 'REFUSED');
  const codes = tlsaProblems(live).map((p) => p.code);
  assert.ok(codes.includes('DNS_NOT_VALIDATED'), codes.join());
  assert.ok(codes.includes('DNS_REFUSED'), codes.join());
});

t('the mx1 TLSA name moved into unsigned.test: NXDOMAIN, AD clear', async () => {
  const live = await gatherTlsa({ owner: owner.replace(`.${env.dns.zone}`, `.${env.dns.unsignedZone}`), resolver, authoritative: [primary] });
  assert.equal([live.resolver?.rcode, live.resolver?.ad, live.authoritative[0]!.rcode], ['NXDOMAIN', false, 'NXDOMAIN']);
});

t('mx1 addresses through the resolver, with AD', async () => {
  const r = await lookupAddresses(env.hosts.mx1.name, { resolver });
  assert.equal(r.addresses, [env.hosts.mx1.address]);
  assert.ok(r.ad);
  assert.equal(r.errors, []);
});

t('TCP and UDP give the same answer from Knot; DNSKEY with RRSIG via unbound', async () => {
  const udp = await query({ server: primary, name: owner, type: 'TLSA', recursion: false });
  const tcp = await query({ server: primary, name: owner, type: 'TLSA', recursion: false, tcpOnly: true });
  assert.is(tcp.transport, 'tcp');
  assert.ok(udp.flags.aa && tcp.flags.aa);
  assert.ok(udp.answers.some((a) => a.type === 'RRSIG'), 'DO set: signatures come along');
  const keys = await query({ server: resolver, name: env.dns.zone, type: 'DNSKEY' });
  assert.ok(keys.flags.ad);
  assert.ok(keys.answers.some((a) => a.type === 'DNSKEY' && a.data.flags === 257), 'a KSK is published');
  const soa = await query({ server: primary, name: env.dns.zone, type: 'SOA', recursion: false });
  assert.ok(soa.answers.some((a) => a.type === 'SOA' && a.data.serial > 0));
});

t('a nonexistent name: NXDOMAIN with the zone SOA in authority, AD set (authenticated denial)', async () => {
  const r = await query({ server: resolver, name: `nope-${Date.now()}.${env.dns.zone}`, type: 'TLSA' });
  assert.is(r.rcode, 'NXDOMAIN');
  assert.ok(r.flags.ad);
  assert.is(r.authoritySoa?.name, env.dns.zone);
});

t.run();
