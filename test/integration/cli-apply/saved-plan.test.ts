// `mailtls apply PLANFILE` against the lab: a saved plan whose observations changed (a key file
// chmod'ed on mx1, or the source renewed again) is refused with exit 3 naming the difference and
// nothing is touched; once the world matches again it is applied as saved, without asking.
import * as assert from 'uvu/assert';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { fileSerial, lastLine, mailtls, managed, restoreLab, rootInventory, stats } from './helpers.ts';

const t = suite('cli apply: saved plans');
const inv = rootInventory();
const mx1Key = managed[0]!.key;

t.before(async () => {
  await labUp();
  await restoreLab();
});

t('stale saved plan → exit 3 with the differences, nothing changed; current again → applied as saved', async () => {
  const oldSerial = fileSerial(managed[0]!.cert);
  const out = join(mkdtempSync(join(tmpdir(), 'mailtls-saved-')), 'plan.json');
  try {
    const renewed = await renewSource();
    const plan = await mailtls(['plan', '-f', inv, '--out', out]);
    assert.is(plan.code, 0, plan.stderr);

    chmodSync(mx1Key, 0o644);
    const before = stats();
    const stale = await mailtls(['apply', out]);
    assert.is(stale.code, 3, stale.stdout + stale.stderr);
    assert.match(stale.stderr, /error PLAN_STALE .*plan\.json: \d+ difference\(s\) since the plan was made; nothing was applied/);
    assert.match(stale.stderr, new RegExp(`observed file:mx1:${mx1Key.replace(/[.]/g, '\\.')}: sha256:\\S+ mode:0600 owner:root:root -> sha256:\\S+ mode:0644 owner:root:root`));
    assert.equal(stats(), before, 'refused: nothing written');
    for (const s of managed) assert.is(fileSerial(s.cert), oldSerial);

    const json = await mailtls(['apply', out, '--format', 'json']);
    assert.is(json.code, 3);
    const refusal = JSON.parse(json.stdout) as { refused: string; differences: { kind: string; key: string }[] };
    assert.is(refusal.refused, 'stale');
    assert.ok(refusal.differences.some((d) => d.kind === 'observed' && d.key === `file:mx1:${mx1Key}`));

    chmodSync(mx1Key, 0o600);
    const applied = await mailtls(['apply', out]);
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /^Saved plan .*plan\.json \([0-9a-f]{12}, made .*\) still matches the hosts and sources\.$/m);
    assert.is(lastLine(applied.stdout), 'Apply complete: 2 hosts applied, 0 rolled back, 0 failed.');
    for (const s of managed) assert.is(fileSerial(s.cert), renewed.serial, `${s.cert} holds the saved plan's certificate`);

    // The source moves on after the plan: its desired fingerprints no longer match.
    const plan2 = await mailtls(['plan', '-f', inv, '--out', out]);
    assert.is(plan2.code, 0);
    await renewSource();
    const moved = stats();
    const refused = await mailtls(['apply', out]);
    assert.is(refused.code, 3, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /desired source:mail\/ecdsa: /);
    assert.equal(stats(), moved, 'refused: nothing written');
  } finally {
    chmodSync(mx1Key, 0o600);
    if (sourceVersion() !== 1) await restoreSource(1);
  }
  await restoreLab();
});

t.run();
