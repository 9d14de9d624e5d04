// The pure side of `mailtls tlsa`: given Desired + Live + the history, which records each DANE
// name needs added or may lose, what to do next (publish → wait until T → deploy → retire),
// and the refusals: unsafe records, more than 12, an unprobed endpoint, the last record.
import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { publishChanges, retireChanges } from '../../../src/plan/tlsa-changes.ts';
import { EMPTY_SHA256 } from '../../../src/pki/index.ts';
import { NOW, NS, ago, rec, seenKey, spki, text, view } from './fixture.ts';

const t = suite('tlsa: rollover computations');
const OLD = spki();
const NEW = spki();
const oldRec = rec(OLD);
const newRec = rec(NEW);
const actions = (v: ReturnType<typeof view>) => v.next.map((n) => n.action);

t('steady state (S0 with the current key only): nothing to do, nothing to add or remove', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [OLD], ns: [[oldRec], [oldRec]], resolver: [oldRec], firstSeen: { [seenKey(oldRec)]: ago(3600) }, maxTtl: 10 });
  assert.equal(actions(v), ['none']);
  assert.is(v.records[0]!.role, 'served+desired');
  assert.ok(v.records[0]!.everywhere && v.records[0]!.holdOver);
  assert.equal(v.records[0]!.resolver, { server: '192.0.2.99:53', has: true, ad: true });
  assert.equal(publishChanges([v]), { changes: [], refused: [] });
  assert.equal(retireChanges([v]), { changes: [], refused: [] });
});

t('a new key at the source: publish exactly its 3 1 1 beside the old one, with the RRset TTL', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec], [oldRec]], maxTtl: 10 });
  assert.equal(actions(v), ['publish']);
  assert.equal(v.missing, [newRec]);
  const p = publishChanges([v]);
  assert.equal(p.refused, []);
  assert.equal(p.changes.map((c) => [c.owner, c.ttl, c.records.map(text)]), [[v.owner, 10, [text(newRec)]]]);
  assert.match(p.changes[0]!.reasons[0]!, /desired key .* must be published before it is served/);
  assert.equal(retireChanges([v]).changes, [], 'the old key is served: nothing to retire');
});

t('on the primary only (the secondary lags): still to publish, and no hold has started', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], [oldRec]], firstSeen: {}, maxTtl: 10 });
  const r = v.records.find((x) => x.text === text(newRec))!;
  assert.equal([r.on, r.missingOn, r.everywhere, r.firstSeen], [[NS[0]], [NS[1]], false, undefined]);
  assert.equal(actions(v), ['publish']);
  assert.match(publishChanges([v]).changes[0]!.reasons[0]!, /on some servers only/);
});

t('published everywhere: wait until first seen + W, W = max(hold, 2 × max TTL); then deploy', () => {
  const waiting = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], firstSeen: { [seenKey(newRec)]: ago(5) }, maxTtl: 10 });
  assert.is(waiting.windowSeconds, 20);
  assert.equal(waiting.next, [{ action: 'wait', until: new Date(NOW.getTime() + 15_000).toISOString(), records: [newRec] }]);
  assert.equal(publishChanges([waiting]).changes, [], 'nothing more to add (idempotent)');

  const lowered = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], firstSeen: { [seenKey(newRec)]: ago(30) }, maxTtl: 86400 });
  assert.is(lowered.windowSeconds, 172800, 'a TTL once seen at a day counts at its old value');
  assert.equal(actions(lowered), ['wait']);

  const aged = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], firstSeen: { [seenKey(newRec)]: ago(21) }, maxTtl: 10 });
  assert.equal(actions(aged), ['deploy']);
  assert.equal(retireChanges([aged]).changes, [], 'old still served, new desired: nothing to retire');
});

t('after the deploy: retire exactly the old record; the new one stays', () => {
  const v = view({ served: { a: NEW, b: NEW }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], firstSeen: { [seenKey(newRec)]: ago(60) }, maxTtl: 10 });
  assert.equal(actions(v), ['retire']);
  assert.is(v.records.find((r) => r.text === text(oldRec))!.role, 'unknown');
  const r = retireChanges([v]);
  assert.equal(r.refused, []);
  assert.equal(r.changes.map((c) => c.records.map(text)), [[text(oldRec)]]);
});

t('one endpoint still serves the old key: it is kept (any endpoint counts)', () => {
  const v = view({ served: { a: NEW, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], maxTtl: 10 });
  assert.equal(retireChanges([v]), { changes: [], refused: [] });
});

t('an endpoint that could not be probed blocks retiring (exit 4 material), with its id', () => {
  const v = view({ served: { a: NEW, b: undefined }, desired: [NEW], ns: [[oldRec, newRec], [oldRec, newRec]], maxTtl: 10 });
  assert.equal(actions(v), ['retire-blocked']);
  const r = retireChanges([v]);
  assert.equal(r.changes, []);
  assert.is(r.refused[0]!.code, 'TLSA_RETIRE_UNPROBED');
  assert.match(r.refused[0]!.message, /b\/postfix 192\.0\.2\.2:25/);
});

t('never removes the last record: a served key without its own record and only a stale one left', () => {
  const stale = rec(spki());
  const v = view({ served: { a: NEW, b: NEW }, desired: [NEW], ns: [[stale], [stale]], maxTtl: 10 });
  assert.equal(actions(v), ['publish', 'retire']);
  const r = retireChanges([v]);
  assert.equal(r.changes, []);
  assert.is(r.refused[0]!.code, 'TLSA_RETIRE_LAST');
  assert.match(r.refused[0]!.message, /would leave no TLSA record at all/);
  assert.equal(publishChanges([v]).changes[0]!.records, [newRec], 'publish first fixes it');
});

t('records of other parameters are never touched (not managed)', () => {
  const ta = rec(spki(), 2, 1, 1);
  const v = view({ served: { a: NEW, b: NEW }, desired: [NEW], ns: [[newRec, ta], [newRec, ta]], maxTtl: 10 });
  assert.is(v.records.find((r) => r.text === text(ta))!.role, 'unmanaged');
  assert.equal(actions(v), ['none']);
  assert.equal(retireChanges([v]).changes, []);
});

t('refusals: digest of empty input, PKIX usage / unsupported parameters, more than 12 records', () => {
  const empty = view({ served: { a: OLD, b: OLD }, desired: [EMPTY_SHA256], ns: [[oldRec], [oldRec]] });
  const e = publishChanges([empty]);
  assert.equal(e.changes, []);
  assert.is(e.refused[0]!.code, 'TLSA_RECORD_UNSAFE');
  assert.match(e.refused[0]!.message, /digest of empty input/);

  const pkix = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[], []], expectation: { usage: 1 } });
  const p = publishChanges([pkix]);
  assert.is(p.refused[0]!.code, 'TLSA_RECORD_UNSAFE');
  assert.match(p.refused[0]!.message, /asks for 1 1 1 records; mailtls computes only 3 1 1/);
  assert.equal(retireChanges([pkix]).changes, [], 'unsupported parameters: nothing is retired either');

  const many = Array.from({ length: 12 }, () => rec(spki()));
  const full = view({ served: { a: many[0]!.data, b: many[0]!.data }, desired: [NEW], ns: [many, many] });
  const f = publishChanges([full]);
  assert.is(f.refused[0]!.code, 'TLSA_RRSET_TOO_LARGE');
  assert.match(f.refused[0]!.message, /would hold 13 TLSA records \(12 published \+ 1 new\), more than 12/);
});

t('a server that does not answer: nothing is "everywhere", so no hold starts and publish re-adds', () => {
  const v = view({ served: { a: OLD, b: OLD }, desired: [NEW], ns: [[oldRec, newRec], undefined], firstSeen: { [seenKey(newRec)]: ago(60) } });
  assert.ok(v.records.every((r) => !r.everywhere));
  assert.equal(v.servers[1]!.error, 'timeout: no answer');
  assert.equal(actions(v), ['publish']);
});

t.run();
