// The full DANE key rollover against the lab's real Knot (ns1 primary + ns2 secondary), unbound
// and Postfix/Dovecot, driven only through the CLI: the source renews with a NEW key → plan is
// refused by dane-gap (exit 4) → `tlsa publish` adds `3 1 1 <new>` beside the old record on ns1
// and ns2 and records the first-seen time → plan still refused until the hold (W) is over →
// plan 2 with deploys → apply → `tlsa retire` removes only the old record (AD still set) → plan
// 0. Then the same way back, so the lab ends exactly as it started (source version 1 served,
// the zone holding only the original record).
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { query } from '../../../src/probe/dns/index.ts';
import { waitForQuietLab } from './quiet.ts';
import { parseTsigSecret } from '../../../src/dns/rfc2136/tsig.ts';
import { assertServed, env, fileSerial, lastLine, mailtls as run, managed, restoreLab, rootInventory, type CliResult } from '../cli-apply/helpers.ts';

const t = suite('tlsa: a full DANE key rollover with the real DNS and daemons');
const inv = rootInventory();
const owners = env.dns.tlsaNames;
const authoritative = [env.dns.primary, env.dns.secondary].map((s) => `${s.address}:${s.port}`);
const resolver = `${env.dns.resolver.address}:${env.dns.resolver.port}`;
// Our own TLSA history, so other suites' plans cannot move our first-seen times (every child
// process of this file inherits it).
process.env.MAILTLS_LOCAL_DIR = mkdtempSync(join(tmpdir(), 'mailtls-tlsa-'));
const history = () => JSON.parse(readFileSync(join(process.env.MAILTLS_LOCAL_DIR!, 'tlsa-history.json'), 'utf8')) as { first_seen: Record<string, string> };

const tsigSecret = parseTsigSecret(readFileSync(env.dns.tsig.bindKeyFile, 'utf8'));

/** The CLI (its outputs already scanned for key material); the TSIG secret must never show either. */
async function mailtls(args: string[]): Promise<CliResult> {
  const r = await run(args);
  assert.not.ok((r.stdout + r.stderr).includes(tsigSecret), `mailtls ${args.join(' ')} printed the TSIG secret`);
  return r;
}

let original: string[] = [];
let started = false;
let finished = false;

async function records(server: string, owner: string, recursion = false): Promise<{ set: string[]; ad: boolean }> {
  const r = await query({ server, name: owner, type: 'TLSA', recursion, dnssec: true, timeoutMs: 3000 });
  const set = r.answers.filter((a) => a.type === 'TLSA').map((a) => (a.type === 'TLSA' ? `${a.data.usage} ${a.data.selector} ${a.data.matchingType} ${a.data.data}` : '')).sort();
  return { set, ad: r.flags.ad };
}

async function assertZone(want: string[], what: string): Promise<void> {
  for (const owner of owners) for (const s of authoritative) assert.equal((await records(s, owner)).set, [...want].sort(), `${owner} @${s}: ${what}`);
}

/** Waits until the validating resolver's cache shows `want` (records live 10 s in the lab). */
async function resolverShows(want: string[]): Promise<boolean> {
  const end = Date.now() + 30_000;
  for (;;) {
    const views = await Promise.all(owners.map((o) => records(resolver, o, true)));
    if (views.every((v) => v.ad && JSON.stringify(v.set) === JSON.stringify([...want].sort()))) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const deployAfter = (stdout: string): number => {
  const m = /deploy may proceed from (\S+)\.$/.exec(lastLine(stdout));
  assert.ok(m, `publish names when a deploy may proceed: ${stdout}`);
  return new Date(m[1]!).getTime();
};

async function sleepUntil(ms: number): Promise<void> {
  const left = ms - Date.now();
  if (left > 0) await new Promise((r) => setTimeout(r, left + 500));
}

t.before(async () => {
  await labUp();
  await waitForQuietLab();
  await restoreLab();
  const rs = await Promise.all(owners.map((o) => records(authoritative[0]!, o)));
  original = rs[0]!.set;
  assert.equal(original, [`3 1 1 ${env.certificate.initialSpkiSha256}`], 'the lab starts with the original record only');
});

t.after(async () => {
  if (finished || !started) return;
  // The test failed half-way: put the lab back as far as it can (best effort, then the baseline check).
  if (sourceVersion() !== 1) await restoreSource(1);
  const pub = await mailtls(['tlsa', 'publish', '-f', inv]);
  if (pub.code === 0 && /deploy may proceed from/.test(pub.stdout)) await sleepUntil(deployAfter(pub.stdout));
  await mailtls(['apply', '-f', inv, '--auto-approve', '--allow', 'downgrade']);
  await mailtls(['tlsa', 'retire', '-f', inv]);
});

t('new key: dane-gap → tlsa publish → hold → apply → tlsa retire → empty plan, and back', async () => {
  const oldRec = original[0]!;
  started = true;
  const renewed = await renewSource({ newKey: true });
  assert.is(renewed.newKey, true);
  const newRec = `3 1 1 ${renewed.spkiSha256}`;

  // 1. The new key is refused until its record is published and held.
  const refused = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(refused.code, 4, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`GUARD_DANE_GAP .*publish: _25\\._tcp\\.mx1\\.lab\\.test\\. IN TLSA ${newRec}`));
  assert.match(refused.stderr, /hint: Run `mailtls tlsa publish`/);

  const status = await mailtls(['tlsa', 'status', '-f', inv, '--detailed-exitcode']);
  assert.is(status.code, 2, status.stdout + status.stderr);
  assert.match(status.stdout, /next: publish 1 record\(s\): run `mailtls tlsa publish`/);
  assert.match(status.stdout, /next key \(desired, not served yet\); not published/);

  const dry = await mailtls(['tlsa', 'publish', '-f', inv, '--dry-run', '--detailed-exitcode']);
  assert.is(dry.code, 2, dry.stdout + dry.stderr);
  for (const o of owners) assert.match(dry.stdout, new RegExp(`^\\+ ${o.replace(/\./g, '\\.')}\\. 10 IN TLSA ${newRec}$`, 'm'));
  await assertZone([oldRec], 'a dry run sends nothing');

  // 2. Publish: the new record beside the old one on ns1 and ns2, first seen recorded.
  const pub = await mailtls(['tlsa', 'publish', '-f', inv]);
  assert.is(pub.code, 0, pub.stdout + pub.stderr);
  for (const o of owners) assert.match(pub.stdout, new RegExp(`^\\+ ${o.replace(/\./g, '\\.')}\\. 10 IN TLSA ${newRec}$`, 'm'));
  assert.not.match(pub.stdout, new RegExp(`^- `, 'm'), 'publish removes nothing');
  await assertZone([oldRec, newRec], 'new beside old');
  const until = deployAfter(pub.stdout);
  for (const o of owners) assert.ok(history().first_seen[`${o}|${newRec}`], `history holds the first-seen time of ${o}`);

  const again = await mailtls(['tlsa', 'publish', '-f', inv, '--detailed-exitcode']);
  assert.is(again.code, 0, again.stdout + again.stderr);
  assert.match(lastLine(again.stdout), /^Nothing to publish: /);

  // 3. Still refused during the hold; the message says until when.
  assert.ok(await resolverShows([oldRec, newRec]), 'unbound validates the new RRset');
  const heldAt = Date.now();
  const held = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(held.code, 4, held.stdout + held.stderr);
  if (heldAt < until - 1000) assert.match(held.stderr, new RegExp(`hold time runs until ${new Date(until).toISOString()}`));

  // 4. Retire while the old key is still served removes nothing.
  const early = await mailtls(['tlsa', 'retire', '-f', inv]);
  assert.is(early.code, 0, early.stdout + early.stderr);
  assert.match(lastLine(early.stdout), /^Nothing to retire: /);
  await assertZone([oldRec, newRec], 'retire kept the served and the desired key');

  // 5. After W: deploys, apply, the new key served everywhere.
  await sleepUntil(until);
  const ready = await mailtls(['tlsa', 'status', '-f', inv]);
  assert.match(ready.stdout, /next: deploy may proceed/);
  const plan = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(lastLine(plan.stdout), /^Plan: 3 deploys, /);
  const applied = await mailtls(['apply', '-f', inv, '--auto-approve']);
  assert.is(applied.code, 0, applied.stdout + applied.stderr);
  await assertServed(managed, renewed.serial, 'the new-key certificate');

  // 6. Retire: only the old record goes; unbound still validates.
  const retire = await mailtls(['tlsa', 'retire', '-f', inv]);
  assert.is(retire.code, 0, retire.stdout + retire.stderr);
  for (const o of owners) assert.match(retire.stdout, new RegExp(`^- ${o.replace(/\./g, '\\.')}\\. 10 IN TLSA ${oldRec}$`, 'm'));
  assert.not.match(retire.stdout, new RegExp(`^- .*${renewed.spkiSha256}`, 'm'));
  await assertZone([newRec], 'only the new record is left');
  assert.ok(await resolverShows([newRec]), 'AD still set through unbound, with the new record only');
  const empty = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(empty.code, 0, empty.stdout + empty.stderr);

  // 7. Back to the lab as it started, the same safe way.
  await restoreSource(1);
  const back = await mailtls(['tlsa', 'publish', '-f', inv]);
  assert.is(back.code, 0, back.stdout + back.stderr);
  await assertZone([oldRec, newRec], 'the original key is published again beside the new one');
  await sleepUntil(deployAfter(back.stdout));
  const restored = await mailtls(['apply', '-f', inv, '--auto-approve', '--allow', 'downgrade']);
  assert.is(restored.code, 0, restored.stdout + restored.stderr);
  assert.is(fileSerial(managed[0]!.cert), fileSerial(`${env.hosts.npm.archive}/cert1.pem`));
  const cleanup = await mailtls(['tlsa', 'retire', '-f', inv]);
  assert.is(cleanup.code, 0, cleanup.stdout + cleanup.stderr);
  const baseline = await mailtls(['plan', '-f', inv, '--detailed-exitcode']);
  assert.is(baseline.code, 0, baseline.stdout + baseline.stderr);
  await assertZone(original, 'the zone holds exactly the original record');
  assert.ok(await resolverShows(original), 'unbound validates the original RRset');
  finished = true;
});

t.run();
