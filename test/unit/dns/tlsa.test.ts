import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import * as packet from 'dns-packet';
import { gatherTlsa, propagation, answerErrorKind, NO_RESPONSE, serialGt, tlsaProblems } from '../../../src/probe/dns/index.ts';
import type { TlsaLive, TlsaRecord } from '../../../src/state/types.ts';
import { answer, startTinyServer, type TinyServer } from './tiny-server.ts';

const t = suite('tlsa gather and propagation');
const OWNER = '_25._tcp.mx1.lab.test';
const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const rec = (data: string): TlsaRecord => ({ usage: 3, selector: 1, matchingType: 1, data });

function soa(serial: number): packet.Answer {
  return { type: 'SOA', name: 'lab.test', ttl: 60, data: { mname: 'ns1.lab.test', rname: 'hm.lab.test', serial, refresh: 1, retry: 1, expire: 1, minimum: 60 } };
}

/** An authoritative server for lab.test with a given serial and TLSA data. */
function authoritative(serial: number, hexes: string[]) {
  return (q: packet.DecodedPacket) => {
    const qq = q.questions![0]!;
    const flags = packet.AUTHORITATIVE_ANSWER;
    if (qq.type === 'SOA') return [answer(q, { flags, authorities: [soa(serial)] })];
    const answers: packet.Answer[] = hexes.map((h) => ({ type: 'TLSA', name: OWNER, ttl: 300, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from(h, 'hex') } }));
    return [answer(q, { flags, answers })];
  };
}

t('resolver AD, per-server serials, a silent server and a lagging one', async () => {
  const servers: TinyServer[] = [];
  try {
    const resolver = await startTinyServer((q) => [answer(q, { flags: packet.AUTHENTIC_DATA, answers: [{ type: 'TLSA', name: OWNER, ttl: 250, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from(B, 'hex') } }] })]);
    const ns1 = await startTinyServer(authoritative(5, [B, A]));
    const ns2 = await startTinyServer(authoritative(4, [A]));
    const ns3 = await startTinyServer(() => []);
    const lame = await startTinyServer((q) => [answer(q, { answers: [] })]);
    servers.push(resolver, ns1, ns2, ns3, lame);
    const live = await gatherTlsa({ owner: OWNER + '.', resolver: resolver.server, authoritative: [ns1.server, ns2.server, ns3.server, lame.server], timeoutMs: 150, retries: 0 });
    assert.is(live.owner, OWNER);
    assert.is(live.resolver?.ad, true);
    assert.is(live.resolver?.ttl, 250);
    assert.equal(live.resolver?.records, [rec(B)]);
    const [a1, a2, a3, a4] = live.authoritative;
    assert.equal([a1!.soaSerial, a1!.records, a1!.ad, a1!.error], [5, [rec(A), rec(B)], false, undefined]);
    assert.equal([a2!.soaSerial, a2!.records], [4, [rec(A)]]);
    assert.is(a3!.rcode, NO_RESPONSE);
    assert.is(answerErrorKind(a3!), 'timeout');
    assert.is(answerErrorKind(a4!), 'not-authoritative');
    // RD clear towards authoritative servers
    assert.ok(ns1.seen.every((s) => !s.q.flag_rd));

    const p = propagation(live);
    assert.not.ok(p.agreed);
    assert.is(p.serial, 5);
    assert.equal(p.records, [rec(A), rec(B)]);
    assert.equal(p.lagging, [ns2.server]);
    assert.equal(p.failed, [ns3.server, lame.server]);
  } finally {
    for (const s of servers) await s.close();
  }
});

t('REFUSED and SERVFAIL are recorded per server, never thrown', async () => {
  const refusing = await startTinyServer((q) => [answer(q, { rcode: 5 })]);
  const failing = await startTinyServer((q) => [answer(q, { rcode: 2 })]);
  try {
    const live = await gatherTlsa({ owner: OWNER, resolver: failing.server, authoritative: [refusing.server], timeoutMs: 500, retries: 0 });
    assert.is(live.resolver?.rcode, 'SERVFAIL');
    assert.is(answerErrorKind(live.resolver!), 'servfail');
    assert.is(live.authoritative[0]!.rcode, 'REFUSED');
    assert.is(answerErrorKind(live.authoritative[0]!), 'refused');
  } finally {
    await refusing.close();
    await failing.close();
  }
});

const server = (name: string, serial: number, records: TlsaRecord[], error?: string) => ({ server: name, rcode: error ? NO_RESPONSE : 'NOERROR', ad: false, records, soaSerial: serial, ...(error ? { error } : {}) });

t('propagation: agreement, differing RRsets, expectations, serial wrap-around', () => {
  const live = (...a: ReturnType<typeof server>[]): TlsaLive => ({ owner: OWNER, authoritative: a });
  assert.ok(propagation(live(server('ns1', 7, [rec(A), rec(B)]), server('ns2', 7, [rec(B), rec(A)]))).agreed);
  const differs = propagation(live(server('ns1', 7, [rec(A)]), server('ns2', 7, [rec(B)])));
  assert.not.ok(differs.agreed);
  assert.is(differs.servers[1]!.state, 'differs');
  const want = propagation(live(server('ns1', 7, [rec(A)]), server('ns2', 7, [rec(A)])), { present: [rec(B)], absent: [rec(A)] });
  assert.not.ok(want.agreed);
  assert.equal(want.lagging, ['ns1', 'ns2']);
  assert.match(want.servers[0]!.detail!, /missing 3 1 1 bbbb/);
  assert.ok(propagation(live(server('ns1', 7, [rec(A)])), { minSerial: 7, present: [rec(A)] }).agreed);
  assert.not.ok(propagation(live(server('ns1', 6, [rec(A)])), { minSerial: 7 }).agreed);
  assert.not.ok(propagation(live()).agreed, 'no servers: nothing agreed');
  assert.ok(serialGt(1, 4294967295), 'serial 1 follows 2^32-1');
  assert.not.ok(serialGt(4294967295, 1));
  const wrapped = propagation(live(server('ns1', 2, [rec(A)]), server('ns2', 4294967290, [rec(A)])));
  assert.is(wrapped.serial, 2);
  assert.equal(wrapped.lagging, ['ns2']);
});

t('tlsaProblems: errors per server, AD clear, lagging secondary', () => {
  const live: TlsaLive = {
    owner: OWNER,
    resolver: { server: 'r', rcode: 'NOERROR', ad: false, records: [rec(A)] },
    authoritative: [server('ns1', 7, [rec(A)]), server('ns2', 6, []), server('ns3', 7, [], 'timeout: no answer from ns3')],
  };
  const codes = tlsaProblems(live).map((p) => `${p.code}@${(p.where as { server: string }).server}`);
  assert.equal(codes, ['DNS_TIMEOUT@ns3', 'DNS_NOT_VALIDATED@r', 'DNS_AUTH_DISAGREE@ns2']);
  assert.equal(tlsaProblems({ ...live, resolver: { ...live.resolver!, ad: true }, authoritative: [server('ns1', 7, [rec(A)])] }), []);
});

t.run();
