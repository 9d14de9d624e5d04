// The one way tests declare suites. It wraps uvu so that a suite which silently did not run
// is caught: uvu skips a suite whose `before` hook throws and still exits 0. Here a throwing
// hook fails every test of its suite, and each file writes a report (declared / ran / passed /
// failed) that scripts/run-tests.ts checks.
import { suite as uvuSuite } from 'uvu';
import { writeFileSync } from 'node:fs';

type Fn<T> = (ctx: T) => unknown | Promise<unknown>;

const counts = { declared: 0, ran: 0, passed: 0, failed: 0, skipped: 0, failures: [] as string[] };

process.on('exit', () => {
  const file = process.env.MAILTLS_TEST_REPORT;
  if (file) writeFileSync(file, JSON.stringify(counts));
});

export interface Suite<T extends object> {
  (name: string, fn: Fn<T>): void;
  skip(name: string, fn?: Fn<T>): void;
  before(fn: Fn<T>): void;
  after(fn: Fn<T>): void;
  run(): void;
}

export function suite<T extends object = Record<string, never>>(title: string, context?: T): Suite<T> {
  const inner = uvuSuite<T>(title, context as T);
  let hookError: unknown;
  const guarded = (fn: Fn<T>) => async (ctx: T) => {
    try {
      await fn(ctx);
    } catch (err) {
      hookError ??= err;
    }
  };
  const test = ((name: string, fn: Fn<T>) => {
    counts.declared++;
    inner(name, async (ctx) => {
      counts.ran++;
      try {
        if (hookError) throw new Error(`suite set-up failed: ${String((hookError as Error)?.stack ?? hookError)}`);
        await fn(ctx);
        counts.passed++;
      } catch (err) {
        counts.failed++;
        counts.failures.push(`${title} › ${name}`);
        throw err;
      }
    });
  }) as Suite<T>;
  test.skip = (name: string) => {
    counts.declared++;
    counts.skipped++;
    inner.skip(name, () => {});
  };
  test.before = (fn) => inner.before(guarded(fn));
  // An `after` hook that throws would hide failures in uvu: report it, never swallow it.
  test.after = (fn) =>
    inner.after(async (ctx) => {
      try {
        await fn(ctx);
      } catch (err) {
        counts.failed++;
        counts.failures.push(`${title} › after hook: ${String(err)}`);
      }
    });
  test.run = () => inner.run();
  return test;
}
