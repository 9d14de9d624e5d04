// A failing host with the real CLI: mx2's daemon check fails (an inventory copy whose mx2
// validate is `[false]`) → exit 5, mx1 applied, mx2 rolled back and still serving the old
// certificate. Then mx2's reload fails → the rollback's reload fails too: a LOUD failed
// rollback, the lock kept, `unlock` refuses without --force, and the next `apply` recovers the
// interrupted run first and says so. Also `unlock` on a stale lock.
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { labUp, renewSource, restoreSource, sourceVersion } from '../../lab/index.ts';
import { assertServed, env, fileSerial, inventoryVariant, lastLine, mailtls, managed, restoreLab, rootInventory } from './helpers.ts';

const t = suite('cli apply: failing hosts, locks');
const inv = rootInventory();
const mx2 = env.hosts.mx2.services.postfix;
const mx2Lock = '/var/lib/mailtls/mx2/lock.json';
const gate = `/tmp/mailtls-reload-gate-${process.pid}`;
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.mailtls-'));

t.before(async () => {
  await labUp();
  await restoreLab();
});

t('mx2 check fails → exit 5: mx1 applied, mx2 rolled back; then a failed rollback is loud and recovered by the next apply', async () => {
  const oldSerial = fileSerial(mx2.cert);
  const mx2Dir = dirname(mx2.cert);
  try {
    const renewed = await renewSource();
    const badCheck = await inventoryVariant('badcheck', (s) => s.replace(`validate: [postfix, -c, ${mx2Dir}, check]`, 'validate: ["false"]'));
    const r = await mailtls(['apply', '-f', badCheck, '--auto-approve']);
    assert.is(r.code, 5, r.stdout + r.stderr);
    assert.is(lastLine(r.stdout), 'Apply complete: 1 host applied, 1 rolled back, 0 failed.');
    assert.match(r.stdout, /^mx2: ROLLED BACK — the old files are back, the old certificate is served\n {2}mx2\/postfix: failed at validate: APPLY_VALIDATE_FAILED /m);
    assert.match(r.stderr, /APPLY_ROLLED_BACK/);
    for (const s of managed) assert.is(fileSerial(s.cert), s.host === 'mx1' ? renewed.serial : oldSerial, s.cert);
    await assertServed(managed.filter((s) => s.host === 'mx1'), renewed.serial, 'the new certificate');
    await assertServed(managed.filter((s) => s.host === 'mx2'), oldSerial, 'the old certificate (rolled back)');
    assert.equal(leftovers(mx2Dir), [], 'no temporary or backup file left on mx2');
    assert.not.ok(existsSync(mx2Lock), 'the lock was released');

    // A reload gate (argv, no shell): `rm GATE` fails while GATE is absent, so the reload and
    // the rollback's reload (same journalled commands) fail: a failed rollback. Once GATE
    // exists, recovery's reload passes the gate and reloads Postfix for real.
    const badReload = await inventoryVariant('badreload', (s) => s.replace(`reload: [postfix, -c, ${mx2Dir}, reload]`, `reload: [[rm, ${gate}], [postfix, -c, ${mx2Dir}, reload]]`));
    const loud = await mailtls(['apply', '-f', badReload, '--auto-approve']);
    assert.is(loud.code, 5, loud.stdout + loud.stderr);
    assert.match(loud.stdout, /!!! mx2: ROLLBACK FAILED/);
    assert.match(loud.stdout, /then the rollback failed at rollback-reload: /);
    assert.match(loud.stdout, /The host stays locked\. When it is repaired: mailtls unlock mx2/);
    assert.match(lastLine(loud.stdout), /^Apply complete: 0 hosts applied, 0 rolled back, 1 failed \(1 ROLLBACK FAILED\)\.$/);
    assert.match(loud.stderr, /error APPLY_ROLLBACK_FAILED/);
    assert.ok(existsSync(mx2Lock), 'the lock stays after a failed rollback');

    const refused = await mailtls(['unlock', 'mx2', '-f', inv]);
    assert.is(refused.code, 1, 'a lock that has not expired needs --force');
    assert.match(refused.stdout, /mx2 is locked:\n {2}owner: {3}\S+ \(pid \d+\)\n {2}run id: {2}\S+\n {2}created: \S+\n {2}expires: \S+ \(still valid\)/);
    assert.match(refused.stderr, /error LOCK_HELD .*mailtls unlock mx2 --force/);
    const forced = await mailtls(['unlock', 'mx2', '-f', inv, '--force']);
    assert.is(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /mx2: lock of run \S+ removed\.\nRun \S+ did not finish here: `mailtls apply` completes or rolls it back first\./);
    assert.not.ok(existsSync(mx2Lock));

    // The next apply recovers the interrupted run first (reloading with the inventory's command,
    // which no longer has the gate), then deploys mx2 again.
    writeFileSync(gate, '');
    const healed = await mailtls(['apply', '-f', inv, '--auto-approve']);
    assert.is(healed.code, 0, healed.stdout + healed.stderr);
    assert.match(healed.stdout, /^recovered mx2 \(interrupted run \S+\): mx2\/postfix: /m);
    assert.is(lastLine(healed.stdout), 'Apply complete: 1 host applied, 0 rolled back, 0 failed.');
    await assertServed(managed, renewed.serial, 'the new certificate everywhere');
    assert.equal(leftovers(mx2Dir), []);
  } finally {
    rmSync(gate, { force: true });
    if (sourceVersion() !== 1) await restoreSource(1);
  }
  await restoreLab();
});

t('unlock: a stale lock is shown and removed; no lock; an unknown host', async () => {
  mkdirSync(dirname(mx2Lock), { recursive: true });
  const lock = { owner: 'ci@runner-7', run_id: '20261101T000000Z-4242-dead', pid: 4242, host: 'mx2', created: '2026-11-01T00:00:00.000Z', expires: '2026-11-01T00:30:00.000Z' };
  writeFileSync(mx2Lock, JSON.stringify(lock));
  try {
    const r = await mailtls(['unlock', 'mx2', '-f', inv]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /owner: {3}ci@runner-7 \(pid 4242\)/);
    assert.match(r.stdout, /run id: {2}20261101T000000Z-4242-dead/);
    assert.match(r.stdout, /expires: 2026-11-01T00:30:00\.000Z \(expired\)/);
    assert.match(r.stdout, /mx2: lock of run 20261101T000000Z-4242-dead removed\./);
    assert.not.ok(existsSync(mx2Lock));
    const none = await mailtls(['unlock', 'mx2', '-f', inv]);
    assert.is(none.code, 0);
    assert.match(none.stdout, /mx2: not locked/);
    const unknown = await mailtls(['unlock', 'mx9', '-f', inv]);
    assert.is(unknown.code, 1);
    assert.match(unknown.stderr, /UNKNOWN_HOST/);
  } finally {
    rmSync(mx2Lock, { force: true }); // never leave our fake lock behind
  }
});

t.run();
