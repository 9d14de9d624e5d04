// What `mailtls tlsa` prints: the zone-file lines publish/retire show, the per-name status text
// (record, whose key, where, hold, next step; summary last) and the JSON's shape.
import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { publishChanges } from '../../../src/plan/tlsa-changes.ts';
import { renderStatusText, statusJson, statusSummary, zoneLines } from '../../../src/cli/tlsa-render.ts';
import { NOW, NS, OWNER, ago, rec, seenKey, spki, text, view } from './fixture.ts';

const t = suite('tlsa: rendering');
const OLD = spki();
const NEW = spki();

t('zone-file lines: absolute owner, TTL, IN TLSA, lowercase hex', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [NEW.toUpperCase()], ns: [[rec(OLD)], [rec(OLD)]], maxTtl: 3600 });
  const lines = zoneLines(publishChanges([v]).changes, '+');
  assert.equal(lines, [`+ ${OWNER}. 10 IN TLSA 3 1 1 ${NEW}`]);
});

t('status text: each record with its key and servers, the hold, the next step; summary last', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[rec(OLD), rec(NEW)], [rec(OLD), rec(NEW)]], resolver: [rec(OLD)], firstSeen: { [seenKey(rec(NEW))]: ago(5) }, maxTtl: 10 });
  const out = renderStatusText([v]);
  assert.match(out, `${OWNER}  (zone example.test, 3 1 1, current+next, W 20s = max(hold 5s, 2 × max TTL 10s))`);
  assert.match(out, `  ${text(rec(NEW))}\n      next key (desired, not served yet); on ${NS.join(', ')}; resolver does not have it (AD); first seen everywhere ${ago(5)}, hold ends ${new Date(NOW.getTime() + 15_000).toISOString()}`);
  assert.match(out, `  endpoint b/postfix 192.0.2.2:25: serves key ${OLD}`);
  assert.match(out, `  next: wait until ${new Date(NOW.getTime() + 15_000).toISOString()} (hold time), then plan and apply`);
  assert.is(out.trimEnd().split('\n').pop(), 'TLSA: 1 name(s); 0 to publish, 1 waiting, 0 ready to deploy, 0 to retire.');
  assert.is(statusSummary([view({ served: { a: OLD, b: OLD }, desired: [OLD], ns: [[rec(OLD)], [rec(OLD)]] })]), 'TLSA: 1 name(s), nothing to do.');
});

t('status JSON: versioned, records with key/servers/hold, next steps with text', () => {
  const v = view({ served: { a: NEW, b: undefined }, desired: [NEW], ns: [[rec(OLD), rec(NEW)], [rec(OLD), rec(NEW)]], maxTtl: 10 });
  const j = JSON.parse(JSON.stringify(statusJson([v], NOW))) as { format_version: string; owners: { records: { record: string; key: string; on: string[] }[]; unprobed: string[]; next: { action: string; text: string }[] }[] };
  assert.is(j.format_version, '1.0');
  const o = j.owners[0]!;
  assert.equal(o.records.map((r) => [r.record, r.key, r.on.length]).sort(), [[text(rec(OLD)), 'unknown', 2], [text(rec(NEW)), 'served+desired', 2]].sort());
  assert.equal(o.unprobed, ['b/postfix 192.0.2.2:25']);
  assert.equal(o.next.map((n) => n.action), ['retire-blocked']);
  assert.match(o.next[0]!.text, /cannot be retired: not every endpoint could be probed: b\/postfix 192\.0\.2\.2:25/);
});

t.run();
