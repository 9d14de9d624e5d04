// `mailtls tlsa` against the lab's real Knot and Postfix, the refusing side: a record no key
// matches is retired — but not while an endpoint of its name cannot be probed (exit 4, nothing
// removed); an inventory asking for records mailtls cannot compute (2 1 1) is refused by publish
// (exit 4, nothing sent) and PKIX usage 1 never passes the inventory. status names the next
// step (text and JSON). A held-back secondary makes publish say which server lags (exit 1) and
// no hold starts until it has the record. The zone ends as it started.
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { dnsUpdate, holdSecondary, labUp, releaseSecondary, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { query } from '../../../src/probe/dns/index.ts';
import { writeLabInventory } from '../status/lab-inventory.ts';
import { waitForQuietLab } from './quiet.ts';
import { env, inventoryVariant, lastLine, mailtls, restoreLab, rootInventory } from '../cli-apply/helpers.ts';

const t = suite('tlsa: refusals and retiring a stray record, against the lab');
const inv = rootInventory();
const owner = env.dns.tlsaNames[1]!; // _25._tcp.mx2.lab.test
const servers = [env.dns.primary, env.dns.secondary].map((s) => `${s.address}:${s.port}`);
process.env.MAILTLS_LOCAL_DIR = mkdtempSync(join(tmpdir(), 'mailtls-tlsa-'));
const original = `3 1 1 ${env.certificate.initialSpkiSha256}`;

async function everywhere(name: string): Promise<string[][]> {
  return Promise.all(servers.map(async (server) => {
    const r = await query({ server, name, type: 'TLSA', recursion: false, dnssec: false, timeoutMs: 3000 });
    return r.answers.map((a) => (a.type === 'TLSA' ? `${a.data.usage} ${a.data.selector} ${a.data.matchingType} ${a.data.data}` : '')).sort();
  }));
}

async function until(name: string, want: string[]): Promise<void> {
  const end = Date.now() + 20_000;
  while (JSON.stringify(await everywhere(name)) !== JSON.stringify(servers.map(() => [...want].sort()))) {
    if (Date.now() > end) assert.equal(await everywhere(name), servers.map(() => [...want].sort()), `${name} on every server`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

t.before(async () => {
  await labUp();
  await waitForQuietLab();
  await restoreLab();
});

t('a stray record: status says retire; an unprobed endpoint blocks it (4); then retire removes exactly it', async () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stray = `3 1 1 ${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
  await dnsUpdate([`update add ${owner}. 10 TLSA ${stray}`]);
  try {
    await until(owner, [original, stray]);
    const status = await mailtls(['tlsa', 'status', '-f', inv, '--detailed-exitcode']);
    assert.is(status.code, 2, status.stdout + status.stderr);
    assert.match(status.stdout, new RegExp(`${stray}\\n {6}unknown key \\(not served, not desired\\); on ${servers.join(', ')}`));
    assert.match(status.stdout, /next: retire 1 record\(s\) no endpoint serves: run `mailtls tlsa retire`/);
    const j = await mailtls(['tlsa', 'status', '-f', inv, '--format', 'json']);
    assert.is(j.code, 0, j.stderr);
    const doc = JSON.parse(j.stdout) as { format_version: string; owners: { owner: string; next: { action: string; records?: string[] }[]; records: { record: string; key: string }[] }[] };
    assert.is(doc.format_version, '1.0');
    const o = doc.owners.find((x) => x.owner === owner)!;
    assert.equal(o.next, [{ action: 'retire', records: [stray], text: 'retire 1 record(s) no endpoint serves: run `mailtls tlsa retire`' }]);
    assert.equal(o.records.map((r) => [r.record, r.key]).sort(), [[original, 'served+desired'], [stray, 'unknown']].sort());

    // mx2's port 25 also on an address where nothing listens: that endpoint cannot be probed.
    const blind = writeLabInventory({ replace: [{ host: 'mx2', service: 'postfix', port: 25, starttls: 'smtp', dane: true, addresses: [env.hosts.mx2.address, '127.0.77.1'] }] });
    const refused = await mailtls(['tlsa', 'retire', '-f', blind]);
    assert.is(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /error TLSA_RETIRE_UNPROBED .*mx2\/postfix 127\.0\.77\.1:25/);
    assert.match(lastLine(refused.stdout), /^Refused: 1 safety rule\(s\); nothing retired\.$/);
    assert.equal(await everywhere(owner), servers.map(() => [original, stray].sort()), 'nothing removed');

    const dry = await mailtls(['tlsa', 'retire', '-f', inv, '--dry-run', '--detailed-exitcode']);
    assert.is(dry.code, 2, dry.stdout + dry.stderr);
    assert.match(dry.stdout, new RegExp(`^- ${owner.replace(/\./g, '\\.')}\\. 10 IN TLSA ${stray}$`, 'm'));
    assert.equal(await everywhere(owner), servers.map(() => [original, stray].sort()), 'a dry run removes nothing');

    const retired = await mailtls(['tlsa', 'retire', '-f', inv, '--format', 'json']);
    assert.is(retired.code, 0, retired.stdout + retired.stderr);
    const r = JSON.parse(retired.stdout) as { changes: { owner: string; records: string[] }[]; zones: { zone: string; ok: boolean; propagated: boolean }[] };
    assert.equal(r.changes.map((c) => [c.owner, c.records]), [[owner, [stray]]]);
    assert.equal(r.zones.map((z) => [z.zone, z.ok, z.propagated]), [[env.dns.zone, true, true]]);
    assert.equal(await everywhere(owner), servers.map(() => [original]), 'only the stray record went');
  } finally {
    await dnsUpdate([`update delete ${owner}. TLSA ${stray}`]).catch(() => undefined);
  }
});

t('publish: PKIX usage 1 never gets past the inventory (1); usage 2 (not computable) is refused (4); nothing sent', async () => {
  const variant = (usage: number) => inventoryVariant(`tlsa-usage${usage}`, (text) => text.replace('{ name: mx1.lab.test, port: 25, scheme: current+next, hold: 5s }', `{ name: mx1.lab.test, port: 25, scheme: current+next, hold: 5s, usage: ${usage} }`));
  const pkix = await mailtls(['tlsa', 'publish', '-f', await variant(1)]);
  assert.is(pkix.code, 1, pkix.stdout + pkix.stderr);
  assert.match(pkix.stderr, /error BAD_VALUE dns\.tlsa\[0\]\.usage must be one of 2, 3/);
  const r = await mailtls(['tlsa', 'publish', '-f', await variant(2)]);
  assert.is(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stderr, /error TLSA_RECORD_UNSAFE _25\._tcp\.mx1\.lab\.test: the inventory asks for 2 1 1 records; mailtls computes only 3 1 1/);
  assert.match(lastLine(r.stdout), /^Refused: 1 safety rule\(s\); nothing published\.$/);
  await until(env.dns.tlsaNames[0]!, [original]);
  const fine = await mailtls(['tlsa', 'publish', '-f', inv, '--detailed-exitcode']);
  assert.is(fine.code, 0, fine.stdout + fine.stderr);
  assert.match(lastLine(fine.stdout), /^Nothing to publish: /);
});

t('a lagging secondary: publish says which server lags (exit 1) and no hold starts until it has the record', async () => {
  const history = () => (JSON.parse(readFileSync(join(process.env.MAILTLS_LOCAL_DIR!, 'tlsa-history.json'), 'utf8')) as { first_seen: Record<string, string> }).first_seen;
  const renewed = await renewSource({ newKey: true });
  const newRec = `3 1 1 ${renewed.spkiSha256}`;
  try {
    await holdSecondary();
    try {
      const r = await mailtls(['tlsa', 'publish', '-f', inv, '--timeout', '3']);
      assert.is(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^lab\\.test: accepted, but ${servers[1]!.replace(/\./g, '\\.')} do\\(es\\) not serve it yet$`, 'm'));
      assert.match(r.stdout, /_25\._tcp\.mx1\.lab\.test: not yet on every authoritative server; its hold time has not started/);
      assert.match(r.stderr, /DNS_PROPAGATION_PENDING/);
      assert.match(lastLine(r.stdout), /^Publish incomplete: /);
      for (const o of env.dns.tlsaNames) assert.not.ok(history()[`${o}|${newRec}`], 'no first-seen time while ns2 lags');
      const st = await mailtls(['tlsa', 'status', '-f', inv]);
      assert.match(st.stdout, new RegExp(`${newRec}\\n {6}next key \\(desired, not served yet\\); on ${servers[0]!.replace(/\./g, '\\.')}; missing on ${servers[1]!.replace(/\./g, '\\.')}`));
      assert.match(st.stdout, /next: publish 1 record\(s\)/);
    } finally {
      await releaseSecondary();
    }
    for (const o of env.dns.tlsaNames) await until(o, [original, newRec]);
    const again = await mailtls(['tlsa', 'publish', '-f', inv]);
    assert.is(again.code, 0, again.stdout + again.stderr);
    assert.match(lastLine(again.stdout), /^Nothing to publish: every desired TLSA record is on every authoritative server\. A deploy may proceed from \S+\.$/);
    for (const o of env.dns.tlsaNames) assert.ok(history()[`${o}|${newRec}`], 'the hold starts once every server has it');
  } finally {
    if (sourceVersion() !== 1) await restoreSource(1);
  }
  // The source is back at the original key: the new record is nobody's now, and goes.
  const retired = await mailtls(['tlsa', 'retire', '-f', inv]);
  assert.is(retired.code, 0, retired.stdout + retired.stderr);
  for (const o of env.dns.tlsaNames) await until(o, [original]);
});

t.run();
