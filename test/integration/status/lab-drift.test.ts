// `mailtls status` findings that need the lab changed for a moment — each restored exactly
// afterwards: a certificate changed on disk without reload (disk ≠ wire), a TLSA record that
// matches no served key (published with the rfc2136 provider at a scratch name), the lagging
// secondary (held via the lab API) returning an older serial, and a zone answer without AD.
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { holdSecondary, labUp, releaseSecondary } from '../../lab/index.ts';
import { rfc2136 } from '../../../src/dns/rfc2136/index.ts';
import type { RR } from '../../../src/dns/types.ts';
import { query } from '../../../src/probe/dns/index.ts';
import { labZone, primary, secondary } from '../dns/lab-zone.ts';
import { allFindings, mailtls, statusJson } from './cli.ts';
import { env, writeLabInventory } from './lab-inventory.ts';
import { selfSigned, snapshot } from './lab-files.ts';

const t = suite('status: lab drift findings');
const mx1 = env.hosts.mx1;

t.before(async () => {
  await labUp();
});

t('a certificate changed on disk without reload: disk ≠ wire, LIVE_RELOAD_MISSING for that service only', async () => {
  const dv = mx1.services.dovecot;
  const snap = snapshot([dv.cert, dv.key]);
  try {
    const other = selfSigned(mx1.name);
    writeFileSync(dv.key, other.key);
    writeFileSync(dv.cert, other.cert);
    const r = await mailtls(['status', '-f', writeLabInventory(), '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
    assert.is(r.code, 2, r.stderr);
    const s = statusJson(r.stdout);
    const svc = (n: string) => s.hosts[0]!.services.find((x) => x.service === n)!;
    assert.ok(svc('dovecot').endpoints.every((e) => e.ok && e.matches_disk === false), 'every Dovecot endpoint still serves the old certificate');
    assert.ok(svc('postfix').endpoints.every((e) => e.matches_disk === true), 'Postfix untouched');
    const reload = allFindings(s).filter((f) => f.code === 'LIVE_RELOAD_MISSING');
    assert.is(reload.length, dv.endpoints.length);
    assert.ok(reload.every((f) => f.where?.service === 'dovecot'));
  } finally {
    snap.restore();
  }
  assert.ok(snap.intact(), 'the lab files are back, byte for byte and mode for mode');
});

const hex = () => randomBytes(32).toString('hex');
const rr = (name: string, data: string): RR => ({ name, ttl: 30, type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, data } });

async function tlsaAt(server: string, name: string): Promise<string[]> {
  const r = await query({ server, name, type: 'TLSA', recursion: false });
  return r.answers.flatMap((a) => (a.type === 'TLSA' ? [a.data.data] : []));
}

async function soa(server: string): Promise<number | undefined> {
  const r = await query({ server, name: env.dns.zone, type: 'SOA', recursion: false });
  const a = r.answers.find((x) => x.type === 'SOA');
  return a && a.type === 'SOA' ? a.data.serial : undefined;
}

async function until(what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

t('a TLSA record that matches no served key, then the held secondary lagging behind with an older serial', async () => {
  // A scratch name nobody else uses (and no resolver has cached): mx1's Dovecot 993 made a DANE endpoint for it.
  const host = `st-${randomBytes(3).toString('hex')}.${env.dns.zone}`;
  const owner = `_993._tcp.${host}`;
  const inv = writeLabInventory({ replace: [{ host: 'mx1', service: 'dovecot', port: 993, sni: host, dane: true }], tlsa: [{ name: host, port: 993 }] });
  const bogus = hex();
  let held = false;
  try {
    const pub = await rfc2136.publish(labZone(), { add: [rr(owner, bogus)], remove: [] }, { propagationTimeoutMs: 20_000 });
    assert.ok(pub.ok && pub.propagated, JSON.stringify(pub));
    const r = await mailtls(['status', '-f', inv, '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
    assert.is(r.code, 2, r.stderr);
    const s = statusJson(r.stdout);
    const tl = s.tlsa.find((x) => x.owner === owner)!;
    assert.equal(tl.records, [`3 1 1 ${bogus}`]);
    assert.is(tl.dnssec, 'validated');
    assert.is(tl.served_keys_match, false);
    const ep = s.hosts[0]!.services.find((x) => x.service === 'dovecot')!.endpoints.find((e) => e.port === 993)!;
    assert.is(ep.tlsa, 'no-match');
    const codes = allFindings(s).filter((f) => f.where?.dns === owner).map((f) => f.code).sort();
    assert.equal(codes, ['LIVE_TLSA_NO_MATCH', 'LIVE_TLSA_UNUSED']);
    const text = await mailtls(['status', '-f', inv, '--host', 'mx1']);
    assert.match(text.stdout, new RegExp(`${owner.replace(/\./g, '\\.')} {2}AD {2}served keys do NOT match`));

    // Hold ns2, remove the record on the primary: ns2 now lags with the older serial.
    await holdSecondary();
    held = true;
    const rm = await rfc2136.publish(labZone(), { add: [], remove: [rr(owner, bogus)] }, { propagationTimeoutMs: 0 });
    assert.ok(rm.ok, JSON.stringify(rm));
    const lag = statusJson((await mailtls(['status', '-f', inv, '--host', 'mx1', '--format', 'json'])).stdout);
    const lt = lag.tlsa.find((x) => x.owner === owner)!;
    const ns2 = lt.authoritative.find((a) => a.server.startsWith(env.dns.secondary.address))!;
    const ns1 = lt.authoritative.find((a) => a.server.startsWith(env.dns.primary.address))!;
    assert.is(ns2.state, 'lagging');
    assert.ok((ns2.serial ?? 0) < (ns1.serial ?? 0), `ns2 ${ns2.serial} < ns1 ${ns1.serial}`);
    assert.ok(allFindings(lag).some((f) => f.code === 'DNS_AUTH_DISAGREE' && f.where?.dns === owner && String(f.where?.server).startsWith(env.dns.secondary.address)));
  } finally {
    if (held) await releaseSecondary();
    if ((await tlsaAt(primary, owner)).length) await rfc2136.publish(labZone(), { add: [], remove: [rr(owner, bogus)] }, { propagationTimeoutMs: 0 });
    await until('ns2 to catch up with ns1', async () => (await soa(secondary)) === (await soa(primary)));
  }
  assert.equal(await tlsaAt(secondary, owner), []);
});

t('a TLSA answer without AD (unsigned.test) is DNS_NOT_VALIDATED', async () => {
  const host = `mx1.${env.dns.unsignedZone}`;
  const inv = writeLabInventory({ unsignedZone: true, replace: [{ host: 'mx1', service: 'dovecot', port: 995, sni: host, dane: true }], tlsa: [{ name: host, port: 995 }] });
  const r = await mailtls(['status', '-f', inv, '--host', 'mx1', '--format', 'json', '--detailed-exitcode']);
  assert.is(r.code, 2, r.stderr);
  const s = statusJson(r.stdout);
  const owner = `_995._tcp.${host}`;
  assert.is(s.tlsa.find((x) => x.owner === owner)?.dnssec, 'not-validated');
  assert.ok(allFindings(s).some((f) => f.code === 'DNS_NOT_VALIDATED' && f.where?.dns === owner));
  // Its host name's address records are insecure too (NXDOMAIN without AD): Postfix would ignore the TLSA.
  assert.is(s.tlsa.find((x) => x.owner === owner)?.host_addresses?.ad, false);
  assert.ok(allFindings(s).some((f) => f.code === 'LIVE_ADDRESS_NOT_VALIDATED' && f.where?.dns === host), JSON.stringify(allFindings(s)));
  // The signed zone next to it still validates.
  assert.is(s.tlsa.find((x) => x.owner === `_25._tcp.${mx1.name}`)?.dnssec, 'validated');
  const text = await mailtls(['status', '-f', inv, '--host', 'mx1']);
  assert.match(text.stdout, new RegExp(`${owner.replace(/\./g, '\\.')} {2}no AD`));
});

t.run();
