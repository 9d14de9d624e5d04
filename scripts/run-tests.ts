// Runs every test file of a tier (unit | integration) in its own Node process and checks each
// file's report: a file that wrote no report, or ran fewer tests than it declared, failed even
// when uvu exited 0. Prints `N passed, N failed[, N skipped]` last.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';

interface Report { declared: number; ran: number; passed: number; failed: number; skipped: number; failures: string[] }

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function runFile(file: string, reportPath: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      env: { ...process.env, MAILTLS_TEST_REPORT: reportPath, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function runTier(tiers: string[], filter?: string): Promise<Report & { files: number; broken: string[] }> {
  const total = { declared: 0, ran: 0, passed: 0, failed: 0, skipped: 0, failures: [] as string[], files: 0, broken: [] as string[] };
  const work = mkdtempSync(join(tmpdir(), 'mailtls-tests-'));
  const files = tiers.flatMap((t) => findTests(join('test', t))).filter((f) => !filter || f.includes(filter));
  for (const file of files) {
    const reportPath = join(work, `${total.files++}.json`);
    const started = Date.now();
    const { code, output } = await runFile(file, reportPath);
    let report: Report | undefined;
    try { report = JSON.parse(readFileSync(reportPath, 'utf8')); } catch { report = undefined; }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const name = relative('.', file);
    if (!report || report.declared === 0) {
      total.broken.push(`${name}: no test ran (did the file call suite(...).run(), or crash on import?)`);
      process.stdout.write(`✘ ${name} (${secs}s) — no test ran\n${output}\n`);
      continue;
    }
    const missing = report.declared - report.ran - report.skipped;
    for (const k of ['declared', 'ran', 'passed', 'failed', 'skipped'] as const) total[k] += report[k];
    total.failures.push(...report.failures.map((f) => `${name}: ${f}`));
    if (missing > 0) total.broken.push(`${name}: ${missing} declared test(s) never ran`);
    if (code !== 0 && report.failed === 0) total.broken.push(`${name}: exited ${code} with no failed test`);
    const bad = report.failed > 0 || missing > 0 || code !== 0;
    process.stdout.write(`${bad ? '✘' : '✓'} ${name} (${secs}s) ${report.passed}/${report.declared}${report.skipped ? `, ${report.skipped} skipped` : ''}\n`);
    if (bad) process.stdout.write(output + '\n');
  }
  rmSync(work, { recursive: true, force: true });
  return total;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  const tiers = (process.argv[2] ?? 'unit').split(',');
  const result = await runTier(tiers, process.argv[3]);
  for (const f of result.failures) process.stdout.write(`  failed: ${f}\n`);
  for (const b of result.broken) process.stdout.write(`  broken: ${b}\n`);
  const failed = result.failed + result.broken.length;
  process.stdout.write(`${result.passed} passed, ${failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''}\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}
