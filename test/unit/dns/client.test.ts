import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import * as packet from 'dns-packet';
import { query, DnsError, parseServer, formatServer } from '../../../src/probe/dns/index.ts';
import { answer, startTinyServer } from './tiny-server.ts';

const t = suite('dns client');
const HASH = 'AB'.repeat(32);

function tlsa(name: string, hex: string, ttl = 300): packet.Answer {
  return { type: 'TLSA', name, ttl, data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.from(hex, 'hex') } };
}

async function expectDnsError(p: Promise<unknown>): Promise<DnsError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, DnsError);
    return e as DnsError;
  }
  throw new Error('expected a DnsError');
}

t('parses addr[:port] for IPv4 and IPv6', () => {
  assert.equal(parseServer('127.0.20.1'), { host: '127.0.20.1', port: 53 });
  assert.equal(parseServer('127.0.20.1:5353'), { host: '127.0.20.1', port: 5353 });
  assert.equal(parseServer('[2001:db8::1]:54'), { host: '2001:db8::1', port: 54 });
  assert.equal(parseServer('2001:db8::1'), { host: '2001:db8::1', port: 53 });
  assert.is(formatServer(parseServer('::1')), '[::1]:53');
  assert.throws(() => parseServer('1.2.3.4:99999'), /bad port/);
});

t('decodes a TLSA answer with TTL, AD and lowercase hex; sends RD, DO and a 1232-byte OPT', async () => {
  const srv = await startTinyServer((q) => [
    answer(q, { flags: packet.AUTHENTIC_DATA | packet.RECURSION_AVAILABLE, answers: [tlsa('_25._tcp.mx1.lab.test', HASH, 3600), tlsa('_25._tcp.mx1.lab.test', 'cd'.repeat(32), 1800)] }),
  ]);
  try {
    const r = await query({ server: srv.server, name: '_25._tcp.MX1.lab.test.', type: 'TLSA', dnssec: true, recursion: true, timeoutMs: 1000 });
    assert.is(r.rcode, 'NOERROR');
    assert.is(r.transport, 'udp');
    assert.ok(r.flags.ad);
    assert.not.ok(r.flags.aa);
    assert.equal(
      r.answers.map((a) => [a.name, a.ttl, a.data]),
      [
        ['_25._tcp.mx1.lab.test', 3600, { usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }],
        ['_25._tcp.mx1.lab.test', 1800, { usage: 3, selector: 1, matchingType: 1, data: 'cd'.repeat(32) }],
      ],
    );
    const q = srv.seen[0]!.q;
    assert.ok(q.flag_rd);
    assert.is(q.questions![0]!.name, '_25._tcp.mx1.lab.test');
    const opt = q.additionals!.find((a) => a.type === 'OPT') as packet.OptAnswer;
    assert.is(opt.udpPayloadSize, 1232);
    assert.ok(opt.flag_do);
  } finally {
    await srv.close();
  }
});

t('recursion:false clears RD; the authority SOA is returned', async () => {
  const srv = await startTinyServer((q) => [
    answer(q, {
      flags: packet.AUTHORITATIVE_ANSWER,
      rcode: 3,
      authorities: [{ type: 'SOA', name: 'lab.test', ttl: 60, data: { mname: 'ns1.lab.test', rname: 'hostmaster.lab.test', serial: 2026112201, refresh: 1, retry: 2, expire: 3, minimum: 60 } }],
    }),
  ]);
  try {
    const r = await query({ server: srv.server, name: 'nope.lab.test', type: 'TLSA', recursion: false, timeoutMs: 1000 });
    assert.not.ok(srv.seen[0]!.q.flag_rd);
    assert.is(r.rcode, 'NXDOMAIN');
    assert.ok(r.flags.aa);
    assert.is(r.authoritySoa?.data.serial, 2026112201);
    assert.is(r.authoritySoa?.name, 'lab.test');
  } finally {
    await srv.close();
  }
});

t('a truncated UDP answer is retried over TCP', async () => {
  const srv = await startTinyServer((q, transport) =>
    transport === 'udp' ? [answer(q, { flags: packet.TRUNCATED_RESPONSE })] : [answer(q, { answers: [tlsa('big.lab.test', HASH)] })],
  );
  try {
    const r = await query({ server: srv.server, name: 'big.lab.test', type: 'TLSA', timeoutMs: 1000 });
    assert.is(r.transport, 'tcp');
    assert.not.ok(r.flags.tc);
    assert.is(r.answers.length, 1);
    assert.equal(srv.seen.map((s) => s.transport), ['udp', 'tcp']);
    assert.is.not(srv.seen[0]!.q.id, undefined);
  } finally {
    await srv.close();
  }
});

t('silence ends in a timeout DnsError after 1 + retries attempts', async () => {
  const srv = await startTinyServer(() => []);
  try {
    const e = await expectDnsError(query({ server: srv.server, name: 'x.lab.test', type: 'A', timeoutMs: 150, retries: 2 }));
    assert.is(e.kind, 'timeout');
    assert.is(e.server, srv.server);
    assert.is(srv.seen.length, 3);
    // every retry uses a fresh id
    assert.is(new Set(srv.seen.map((s) => s.q.id)).size, 3);
  } finally {
    await srv.close();
  }
});

t('a UDP reply with the wrong id or question is ignored; the right one is taken', async () => {
  const srv = await startTinyServer((q) => [
    answer({ ...q, id: ((q.id ?? 0) + 1) % 65536 }, { answers: [{ type: 'A', name: 'x.lab.test', ttl: 5, data: '192.0.2.66' }] }),
    answer({ ...q, questions: [{ type: 'A', name: 'evil.lab.test' }] } as packet.DecodedPacket, { answers: [{ type: 'A', name: 'evil.lab.test', ttl: 5, data: '192.0.2.67' }] }),
    answer(q, { answers: [{ type: 'A', name: 'x.lab.test', ttl: 5, data: '192.0.2.1' }] }),
  ]);
  try {
    const r = await query({ server: srv.server, name: 'x.lab.test', type: 'A', timeoutMs: 1000 });
    assert.equal(r.answers.map((a) => a.data), ['192.0.2.1']);
  } finally {
    await srv.close();
  }
});

t('only wrong-id replies over UDP: timeout, never accepted', async () => {
  const srv = await startTinyServer((q) => [answer({ ...q, id: ((q.id ?? 0) + 7) % 65536 }, { answers: [{ type: 'A', name: 'x.lab.test', ttl: 5, data: '192.0.2.66' }] })]);
  try {
    const e = await expectDnsError(query({ server: srv.server, name: 'x.lab.test', type: 'A', timeoutMs: 150, retries: 0 }));
    assert.is(e.kind, 'timeout');
  } finally {
    await srv.close();
  }
});

t('a wrong id over TCP is a mismatch error', async () => {
  const srv = await startTinyServer((q) => [answer({ ...q, id: ((q.id ?? 0) + 1) % 65536 })]);
  try {
    const e = await expectDnsError(query({ server: srv.server, name: 'x.lab.test', type: 'A', timeoutMs: 1000, tcpOnly: true }));
    assert.is(e.kind, 'mismatch');
    assert.match(e.message, /does not match query id/);
  } finally {
    await srv.close();
  }
});

t('SERVFAIL and REFUSED are results, not errors', async () => {
  const srv = await startTinyServer((q) => [answer(q, { rcode: q.questions![0]!.name.startsWith('bogus') ? 2 : 5 })]);
  try {
    assert.is((await query({ server: srv.server, name: 'bogus.lab.test', type: 'TLSA', timeoutMs: 1000 })).rcode, 'SERVFAIL');
    assert.is((await query({ server: srv.server, name: 'other.zone', type: 'TLSA', timeoutMs: 1000 })).rcode, 'REFUSED');
  } finally {
    await srv.close();
  }
});

t('a closed port is reported as unreachable', async () => {
  const srv = await startTinyServer(() => []);
  const server = srv.server;
  await srv.close();
  const e = await expectDnsError(query({ server, name: 'x.lab.test', type: 'A', timeoutMs: 500, retries: 0 }));
  assert.ok(e.kind === 'unreachable' || e.kind === 'timeout', e.message);
});

t('works over IPv6 (::1)', async () => {
  let srv;
  try {
    srv = await startTinyServer((q) => [answer(q, { answers: [{ type: 'AAAA', name: 'x.lab.test', ttl: 5, data: '2001:db8::1' }] })], '::1');
  } catch (e) {
    console.log(`# ::1 not available here (${(e as Error).message}); IPv6 path not exercised`);
    return;
  }
  try {
    assert.match(srv.server, /^\[::1\]:\d+$/);
    const r = await query({ server: srv.server, name: 'x.lab.test', type: 'AAAA', timeoutMs: 1000 });
    assert.equal(r.answers.map((a) => a.data), ['2001:db8::1']);
    const tcp = await query({ server: srv.server, name: 'x.lab.test', type: 'AAAA', timeoutMs: 1000, tcpOnly: true });
    assert.is(tcp.transport, 'tcp');
  } finally {
    await srv.close();
  }
});

t.run();
