// Status findings and the report on the plan tests' hand-built world (real certificates): a
// matching Live is consistent; each changed fact gives its finding; the JSON report matches
// schemas/status.schema.json and the text ends with the verdict.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { suite } from '../../helpers/suite.ts';
import { makePki, type Issued, type Pki } from '../plan/helpers/certs.ts';
import { desiredFor, inventory, matchingLive, writeSource, NOW, OWNER } from '../plan/helpers/world.ts';
import { buildStatusReport, renderStatusText, statusFindings } from '../../../src/state/index.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Live } from '../../../src/state/types.ts';
import { certFacts, containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import { X509Certificate } from 'node:crypto';

interface Ctx { pki: Pki; leaf: Issued; other: Issued; inv: Inventory; live: Live }
const t = suite<Ctx>('state: status findings and report', {} as Ctx);
const schema = JSON.parse(readFileSync(new URL('../../../schemas/status.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

t.before(async (c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.other = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.inv = inventory(writeSource(c.pki, c.leaf));
  for (const cert of c.inv.certificates) cert.renewBeforeDays = 7;
});
t.after((c) => c.pki.cleanup());

const fresh = async (c: Ctx) => matchingLive(await desiredFor(c.inv));
const codes = (c: Ctx, live: Live) => statusFindings(c.inv, live, NOW).map((p) => p.code).sort();

t('a Live that matches everything: no findings, consistent, schema-valid report, verdict last', async (c) => {
  const live = await fresh(c);
  assert.equal(codes(c, live), []);
  const r = buildStatusReport(c.inv, live, { now: NOW });
  assert.ok(validate(r), JSON.stringify(validate.errors));
  assert.ok(r.summary.consistent);
  const text = renderStatusText(r);
  assert.match(text.trimEnd().split('\n').pop() ?? '', /^Status: 1 host, 2 services, 3 endpoints, 1 TLSA name — consistent\.$/);
  assert.not.ok(containsPrivateKeyMaterial(text + JSON.stringify(r)));
});

t('the wire serves another leaf than the disk: LIVE_RELOAD_MISSING on each such endpoint', async (c) => {
  const live = await fresh(c);
  const other = certFacts(new X509Certificate(c.other.certPem));
  const dv = live.hosts[0]!.services.find((s) => s.service === 'dovecot')!;
  dv.probes = dv.probes.map((p) => ({ ...p, chain: [other] }));
  assert.equal(codes(c, live), ['LIVE_RELOAD_MISSING']);
  const r = buildStatusReport(c.inv, live, { now: NOW });
  assert.is(r.hosts[0]!.services.find((s) => s.service === 'dovecot')!.endpoints[0]!.matches_disk, false);
  assert.match(renderStatusText(r), /≠ disk \(reload missing\?\)/);
});

t('a key file 0644, a missing key file and a key of another certificate', async (c) => {
  const live = await fresh(c);
  const set = live.hosts[0]!.services.find((s) => s.service === 'postfix')!.files[0]!;
  set.key = { ...set.key, mode: '0644' };
  assert.equal(codes(c, live), ['LIVE_FILE_PERMS']);
  set.key = { path: set.key.path, exists: false };
  assert.equal(codes(c, live), ['LIVE_FILE_MISSING']);
  set.key = { ...set.cert, path: '/etc/postfix/key.pem', certs: undefined, key: { algorithm: 'ecdsa', spki: 'ab'.repeat(32) }, mode: '0600' };
  set.keyMatchesCert = false;
  assert.equal(codes(c, live), ['LIVE_KEY_MISMATCH']);
});

t('TLSA: a served key no record matches, a record nothing serves, no record at all', async (c) => {
  const live = await fresh(c);
  const tl = live.tlsa[0]!;
  const bogus = { usage: 3, selector: 1, matchingType: 1, data: 'cd'.repeat(32) };
  for (const a of [tl.resolver!, ...tl.authoritative]) a.records = [bogus];
  assert.equal(codes(c, live), ['LIVE_TLSA_NO_MATCH', 'LIVE_TLSA_UNUSED']);
  const msg = statusFindings(c.inv, live, NOW).find((p) => p.code === 'LIVE_TLSA_NO_MATCH')!.message;
  assert.match(msg, new RegExp(`it needs: ${OWNER.replace(/\./g, '\\.')}\\. 3600 IN TLSA 3 1 1 [0-9a-f]{64}`));
  for (const a of [tl.resolver!, ...tl.authoritative]) a.records = [];
  assert.equal(codes(c, live), ['LIVE_TLSA_MISSING']);
  const r = buildStatusReport(c.inv, live, { now: NOW });
  assert.is(r.tlsa[0]!.served_keys_match, false);
  assert.ok(validate(r), JSON.stringify(validate.errors));
});

t('expiry inside the renewal window is a warning; expired is an error', async (c) => {
  const live = await fresh(c);
  const soon = new Date(Date.parse(live.hosts[0]!.services[0]!.files[0]!.cert.certs![0]!.notAfter) - 3 * 86_400_000);
  assert.ok(statusFindings(c.inv, live, soon).some((p) => p.code === 'LIVE_CERT_EXPIRING' && p.severity === 'warning'));
  const late = new Date(Date.parse(live.hosts[0]!.services[0]!.files[0]!.cert.certs![0]!.notAfter) + 2 * 86_400_000);
  assert.ok(statusFindings(c.inv, live, late).some((p) => p.code === 'LIVE_CERT_EXPIRED' && p.severity === 'error'));
});

t('an unreachable host: no file findings, the transport problem counts, the report says partial', async (c) => {
  const live = await fresh(c);
  const h = live.hosts[0]!;
  h.reachable = false;
  for (const s of h.services) s.files = [];
  h.problems = [{ code: 'SSH_HOST_KEY_MISMATCH', severity: 'error', message: 'mx1: host key differs', where: { host: 'mx1' } }];
  const r = buildStatusReport(c.inv, live, { now: NOW });
  assert.equal(r.partial.unreachable, ['mx1']);
  assert.is(r.summary.consistent, false);
  assert.match(renderStatusText(r), /Partial view — unreachable: mx1/);
  assert.ok(validate(r), JSON.stringify(validate.errors));
});

t('the last-applied manifest on a host shows in the report (hashes and times only); junk is ignored', async (c) => {
  const live = await fresh(c);
  live.hosts[0]!.manifest = { format_version: 1, host: 'mx1', updated_at: '2026-11-20T10:00:00.000Z', groups: { 'mx1/dovecot+postfix': { applied_at: '2026-11-20T10:00:00.000Z', run_id: 'r1', plan_hash: 'ab'.repeat(32), inventory_commit: null, change_ids: [], files: [] } } };
  const r = buildStatusReport(c.inv, live, { now: NOW });
  assert.equal(r.hosts[0]!.last_applied, { updated_at: '2026-11-20T10:00:00.000Z', groups: [{ group: 'mx1/dovecot+postfix', applied_at: '2026-11-20T10:00:00.000Z', plan_hash: 'ab'.repeat(32), inventory_commit: null }] });
  assert.ok(validate(r), JSON.stringify(validate.errors));
  assert.match(renderStatusText(r), /last applied by mailtls: mx1\/dovecot\+postfix at 2026-11-20T10:00:00\.000Z \(plan abababababab\)/);
  live.hosts[0]!.manifest = 'not a manifest';
  assert.is(buildStatusReport(c.inv, live, { now: NOW }).hosts[0]!.last_applied, undefined);
});

t.run();
