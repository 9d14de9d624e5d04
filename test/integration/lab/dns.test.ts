// The lab's DNS: validated TLSA answers (AD) through unbound, AD clear for the unsigned zone,
// TSIG-signed dynamic updates on the primary, and a secondary that can be held back.
import { suite } from '../../helpers/suite.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp, labEnv, dnsUpdate, holdSecondary, releaseSecondary } from '../../lab/index.ts';
import { run, sleep } from '../../lab/run.ts';
import { spkiSha256OfPem } from '../../lab/source.ts';
import { dig, soaSerial } from './wire.ts';

const env = labEnv();
const { primary, secondary, resolver } = env.dns;
const t = suite('lab: DNS');
const label = `lab-itest-${process.pid}`;

t.before(async () => {
  await labUp();
});

t('TLSA _25._tcp.mx1.lab.test through unbound: the lab key, with AD', async () => {
  const a = await dig(resolver.address, '_25._tcp.mx1.lab.test', 'TLSA');
  assert.is(a.status, 'NOERROR');
  assert.ok(a.flags.includes('ad'), `flags: ${a.flags.join(' ')}`);
  const spki = spkiSha256OfPem(readFileSync(join(env.hosts.npm.live, 'privkey.pem'), 'utf8'));
  const data = a.records.map((r) => r.replace(/\s+/g, '').toLowerCase());
  assert.ok(data.includes(`311${spki}`), `records: ${a.records.join(' | ')}; want 3 1 1 ${spki}`);
});

t('a TLSA record in the unsigned zone comes back with AD clear', async () => {
  const a = await dig(resolver.address, `_25._tcp.mx.${env.dns.unsignedZone}`, 'TLSA');
  assert.is(a.status, 'NOERROR');
  assert.is(a.records.length, 1);
  assert.not.ok(a.flags.includes('ad'), `flags: ${a.flags.join(' ')}`);
});

t('the authoritative servers never set AD, and both serve lab.test', async () => {
  for (const s of [primary, secondary]) {
    const a = await dig(s.address, '_25._tcp.mx1.lab.test', 'TLSA', ['+norec']);
    assert.is(a.status, 'NOERROR');
    assert.ok(a.flags.includes('aa'));
    assert.not.ok(a.flags.includes('ad'));
  }
});

t('a TSIG-signed update changes the zone on the primary; unsigned updates are refused', async () => {
  const name = `${label}.${env.dns.zone}.`;
  const before = await soaSerial(primary.address, env.dns.zone);
  await dnsUpdate([`update add ${name} 10 TXT "hello"`]);
  try {
    const a = await dig(primary.address, name, 'TXT', ['+norec']);
    assert.equal(a.records, ['"hello"']);
    assert.ok((await soaSerial(primary.address, env.dns.zone))! > before!);
    // Without the key: REFUSED / NOTAUTH, and nothing changes.
    const script = `server ${primary.address} 53\nzone ${env.dns.zone}.\nupdate add x-${name} 10 TXT "no"\nsend\nquit\n`;
    const r = await run(['knsupdate'], { input: script, timeoutMs: 15_000 });
    assert.ok(r.code !== 0 || /REFUSED|NOTAUTH/.test(r.stderr + r.stdout), r.stderr);
    assert.equal((await dig(primary.address, `x-${name}`, 'TXT', ['+norec'])).records, []);
  } finally {
    await dnsUpdate([`update delete ${name} TXT`]);
  }
  assert.equal((await dig(primary.address, name, 'TXT', ['+norec'])).records, []);
});

t('the secondary can be held back (older serial) and released (converges)', async () => {
  const name = `${label}-hold.${env.dns.zone}.`;
  await holdSecondary();
  try {
    const held = await soaSerial(secondary.address, env.dns.zone);
    await dnsUpdate([`update add ${name} 10 TXT "held"`]);
    const onPrimary = await soaSerial(primary.address, env.dns.zone);
    await sleep(2000); // NOTIFY would have been answered by now
    assert.is(await soaSerial(secondary.address, env.dns.zone), held);
    assert.ok(onPrimary! > held!);
    assert.equal((await dig(secondary.address, name, 'TXT', ['+norec'])).records, []);
  } finally {
    await releaseSecondary();
  }
  let converged = false;
  for (let i = 0; i < 40 && !converged; i++) {
    converged = (await soaSerial(secondary.address, env.dns.zone)) === (await soaSerial(primary.address, env.dns.zone));
    if (!converged) await sleep(250);
  }
  assert.ok(converged, 'secondary did not converge after release');
  assert.equal((await dig(secondary.address, name, 'TXT', ['+norec'])).records, ['"held"']);
  await dnsUpdate([`update delete ${name} TXT`]);
});

t.run();
