import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { makePki, reissue, type Pki, type Issued } from './helpers/certs.ts';
import { desiredFor, inventory, matchingLive, planOf, writeSource, NOW } from './helpers/world.ts';
import { busyPlan, emptyPlan } from '../../fixtures/plan/scenarios.ts';
import {
  comparePlanToLive, describeDifferences, makePlan, readGitInfo, readPlanFile, renderJson, renderMarkdown, renderText, validatePlan, writePlanFile,
} from '../../../src/plan/index.ts';
import { MailtlsError } from '../../../src/errors/catalog.ts';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import type { Plan } from '../../../src/plan/types.ts';

interface Ctx {
  pki: Pki;
  leaf: Issued;
  src: string;
  inv: Inventory;
  tmp: string;
}
const t = suite<Ctx>('saved plans', {} as Ctx);

async function rejects(p: Promise<unknown>, ok: (e: unknown) => boolean): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(ok(e), String(e));
    return;
  }
  assert.unreachable('expected a rejection');
}

t.before((c) => {
  c.pki = makePki();
  c.leaf = c.pki.issue('mx1.example.test', 'ec', ['mx1.example.test']);
  c.src = writeSource(c.pki, c.leaf);
  c.inv = inventory(c.src);
  c.tmp = mkdtempSync(join(tmpdir(), 'mailtls-saved-'));
});
t.after((c) => c.pki.cleanup());

async function renewedPlan(c: Ctx): Promise<{ plan: Plan; fresh: () => Promise<Plan> }> {
  const d0 = await desiredFor(c.inv);
  const live = matchingLive(d0);
  writeSource(c.pki, reissue(c.pki, c.leaf.keyPath, 'mx1.example.test', ['mx1.example.test'], 90), c.src);
  const d = await desiredFor(c.inv, live);
  return { plan: planOf(c.inv, d, live), fresh: async () => planOf(c.inv, await desiredFor(c.inv, live), live) };
}

t('round trip: write, read, equal; the file validates against the schema', async (c) => {
  const { plan } = await renewedPlan(c);
  const file = join(c.tmp, 'plan.json');
  await writePlanFile(file, plan);
  const back = await readPlanFile(file);
  assert.equal(back, JSON.parse(JSON.stringify(plan)));
  assert.equal(validatePlan(JSON.parse(readFileSync(file, 'utf8'))), []);
  for (const p of [busyPlan(), emptyPlan()]) assert.equal(validatePlan(JSON.parse(JSON.stringify(p))), []);
  writeSource(c.pki, c.leaf, c.src);
});

t('a foreign, broken or hand-edited file is PLAN_FILE_INVALID', async (c) => {
  const bad = join(c.tmp, 'bad.json');
  writeFileSync(bad, '{"format_version":"9"}');
  await rejects(readPlanFile(bad), (e: unknown) => e instanceof MailtlsError && e.problems[0]!.code === 'PLAN_FILE_INVALID');
  writeFileSync(bad, 'not json');
  await rejects(readPlanFile(bad), (e: unknown) => e instanceof MailtlsError);
  const edited = JSON.parse(JSON.stringify(busyPlan())) as Plan;
  edited.changes[0]!.depends_on.push('something');
  writeFileSync(bad, JSON.stringify(edited));
  await rejects(readPlanFile(bad), (e: unknown) => e instanceof MailtlsError && /plan_hash/.test(e.message));
});

t('staleness: the same world later → no difference; a changed fact → named difference', async (c) => {
  const { plan } = await renewedPlan(c);
  try {
    const d = await desiredFor(c.inv);
    const live = matchingLive(await desiredFor(inventory(c.src)));
    // a plan of the same world an hour later: same hash despite other reasons/timestamps
    const later = makePlan({ inventory: c.inv, desired: d, live, now: new Date(NOW.getTime() + 3600_000) });
    const sameWorld = planOf(c.inv, d, live);
    assert.equal(comparePlanToLive(sameWorld, later), []);
    assert.is(sameWorld.plan_hash, later.plan_hash);
    // a key file's mode changed behind our back
    const live2 = structuredClone(live);
    live2.hosts[0]!.services[0]!.files[0]!.key.mode = '0640';
    const diffs = comparePlanToLive(sameWorld, planOf(c.inv, d, live2));
    assert.equal(diffs.map((x) => `${x.kind} ${x.key}`), ['observed file:mx1:/etc/postfix/key.pem', 'changes plan_hash']);
    assert.match(describeDifferences(diffs)[0]!, 'mode:0600 owner:root:root -> sha256:');
    // the source moved on
    writeSource(c.pki, c.leaf, c.src);
    const back = planOf(c.inv, await desiredFor(c.inv, live), live);
    assert.ok(comparePlanToLive(plan, back).some((x) => x.kind === 'desired' && x.key === 'source:mail/ecdsa'));
  } finally {
    writeSource(c.pki, c.leaf, c.src);
  }
});

t('no rendered output and no plan file holds key material', async (c) => {
  const { plan } = await renewedPlan(c);
  writeSource(c.pki, c.leaf, c.src);
  const file = join(c.tmp, 'scan.json');
  await writePlanFile(file, plan);
  const outputs = [readFileSync(file, 'utf8'), renderText(plan), renderText(plan, { color: true }), renderMarkdown(plan), renderJson(plan)];
  for (const p of [busyPlan(), emptyPlan()]) outputs.push(renderText(p), renderMarkdown(p), renderJson(p));
  for (const o of outputs) assert.not.ok(containsPrivateKeyMaterial(o));
  // and the serialiser refuses if a bug ever let a key in
  const poisoned = JSON.parse(JSON.stringify(plan)) as Plan;
  poisoned.changes[0]!.reasons.push(c.leaf.keyPem);
  assert.throws(() => renderJson(poisoned), /private key material/);
});

t('git info: a commit and a dirty flag in a repository; nulls outside one', async (c) => {
  const outside = await readGitInfo(join(c.tmp, 'hosts.yaml'));
  assert.equal(outside, { commit: null, dirty: null });
  const inside = await readGitInfo(new URL('../../../package.json', import.meta.url).pathname);
  assert.match(inside.commit ?? '', /^[0-9a-f]{40}$/);
  assert.type(inside.dirty, 'boolean');
});

t.run();
