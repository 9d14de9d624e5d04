import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { suite } from '../../helpers/suite.ts';
import { bigPlan, busyPlan, emptyPlan } from '../../fixtures/plan/scenarios.ts';
import { COMMENT_LIMIT, PLAN_MARKER, renderJson, renderMarkdown, renderText, summaryLine } from '../../../src/plan/index.ts';

const t = suite('plan renderers');
const dir = new URL('../../fixtures/plan/', import.meta.url);

/** Exact comparison with a stored snapshot; `UPDATE_SNAPSHOTS=1` rewrites them. */
function snapshot(name: string, actual: string): void {
  const file = new URL(name, dir);
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, actual);
  assert.ok(existsSync(file), `snapshot ${name} missing: run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.fixture(actual, readFileSync(file, 'utf8'), `snapshot ${name}`);
}

t('text snapshots (empty, busy, busy in colour)', () => {
  snapshot('empty.txt', renderText(emptyPlan()));
  snapshot('busy.txt', renderText(busyPlan()));
  snapshot('busy.color.txt', renderText(busyPlan(), { color: true }));
});

t('markdown and json snapshots', () => {
  snapshot('busy.md', renderMarkdown(busyPlan()));
  snapshot('empty.md', renderMarkdown(emptyPlan()));
  snapshot('busy.json', renderJson(busyPlan()));
});

t('the summary is the last line of the text, and says what Terraform would', () => {
  const lines = renderText(busyPlan()).trimEnd().split('\n');
  assert.is(lines.at(-1), 'Plan: 2 deploys, 1 permission fix, 2 reloads, 1 TLSA record to publish; 2 guards block.');
  assert.is(summaryLine(emptyPlan()), 'No changes. Live state matches hosts.yaml.');
  assert.ok(renderText(busyPlan()).split('\n')[1]!.startsWith('PARTIAL PLAN'), 'partial plans say so at the top');
});

t('an error problem never reads as "matches"', () => {
  const plan = emptyPlan();
  plan.problems.push({ code: 'SOURCE_UNREADABLE', severity: 'error', message: 'x' });
  assert.is(summaryLine(plan), 'No changes planned; 1 error.');
});

t('no colour unless asked', () => {
  assert.not.match(renderText(busyPlan()), '\x1b[');
  assert.match(renderText(busyPlan(), { color: true }), '\x1b[31m');
});

t('markdown: marker first, a <details> per section, a 200-host plan stays under the comment limit with a note', () => {
  const busy = renderMarkdown(busyPlan());
  assert.ok(busy.startsWith(PLAN_MARKER));
  assert.is(busy.match(/<details>/g)?.length, 3);
  const big = renderMarkdown(bigPlan(200));
  assert.ok(big.length < COMMENT_LIMIT, `${big.length}`);
  assert.match(big, 'Cut to fit a comment');
  assert.match(big, '**Plan: 400 deploys, 200 reloads.**');
  const small = renderMarkdown(bigPlan(3));
  assert.not.match(small, 'Cut to fit');
});

t('json carries format_version and parses back to the same plan', () => {
  const plan = busyPlan();
  const back = JSON.parse(renderJson(plan));
  assert.is(back.format_version, '1.0');
  assert.equal(back, JSON.parse(JSON.stringify(plan)));
});

t.run();
