import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '../../helpers/suite.ts';
import { emptyHistory, loadHistory, observe, saveHistory } from '../../../src/state/tlsa-history.ts';
import type { DnsAnswer, Live } from '../../../src/state/types.ts';

const OWNER = '_25._tcp.mx1.example.org';
const rec = (data: string) => ({ usage: 3, selector: 1, matchingType: 1, data });
const answer = (server: string, datas: string[], ttl = 3600, extra: Partial<DnsAnswer> = {}): DnsAnswer => ({
  server, rcode: 'NOERROR', ad: false, ttl, records: datas.map(rec), ...extra,
});
const live = (...auth: DnsAnswer[]): Live => ({ gatheredAt: '', hosts: [], problems: [], tlsa: [{ owner: OWNER, authoritative: auth }] });
const A = 'aa'.repeat(32);
const B = 'bb'.repeat(32);
const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-02T00:00:00Z');

const t = suite('TLSA history (state store for the DANE hold time)');

t('a record is timed from when EVERY authoritative server has it', () => {
  const h = emptyHistory();
  observe(h, live(answer('ns1', [A, B]), answer('ns2', [A])), t0);
  assert.equal(Object.keys(h.first_seen), [`${OWNER}|3 1 1 ${A}`], 'B is only on ns1: not yet timed');
  observe(h, live(answer('ns1', [A, B]), answer('ns2', [A, B])), t1);
  assert.is(h.first_seen[`${OWNER}|3 1 1 ${A}`], t0.toISOString(), 'A keeps its first time');
  assert.is(h.first_seen[`${OWNER}|3 1 1 ${B}`], t1.toISOString());
});

t('a record that vanished from one server starts its hold again', () => {
  const h = emptyHistory();
  observe(h, live(answer('ns1', [A]), answer('ns2', [A])), t0);
  observe(h, live(answer('ns1', [A]), answer('ns2', [])), t1);
  assert.is(h.first_seen[`${OWNER}|3 1 1 ${A}`], undefined);
});

t('a server that did not answer changes nothing (no false "present", no false "gone")', () => {
  const h = emptyHistory();
  observe(h, live(answer('ns1', [A]), answer('ns2', [A])), t0);
  const changed = observe(h, live(answer('ns1', [A]), answer('ns2', [], 3600, { rcode: 'NO_RESPONSE', error: 'timeout: ns2' })), t1);
  assert.is(changed, false);
  assert.is(h.first_seen[`${OWNER}|3 1 1 ${A}`], t0.toISOString());
});

t('the largest TTL ever seen is kept (a lowered TTL counts at its old value)', () => {
  const h = emptyHistory();
  observe(h, live(answer('ns1', [A], 86400), answer('ns2', [A], 86400)), t0);
  observe(h, live(answer('ns1', [A], 300), answer('ns2', [A], 300)), t1);
  assert.is(h.max_ttl[OWNER], 86400);
});

t('saved atomically and read back; a broken file reads as empty (waits longer, never less)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailtls-hist-'));
  const path = join(dir, 'sub', 'tlsa-history.json');
  const h = emptyHistory();
  observe(h, live(answer('ns1', [A]), answer('ns2', [A])), t0);
  saveHistory(path, h);
  assert.equal(loadHistory(path), h);
  assert.match(readFileSync(path, 'utf8'), '"format_version": 1');
  assert.equal(loadHistory(join(dir, 'missing.json')), emptyHistory());
});

t.run();
