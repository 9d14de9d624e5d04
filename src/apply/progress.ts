// listr2 (9.x) wiring for apply: one task per host whose output follows the engine's step
// events. The engine never imports this file; the CLI wraps runApply with it. Without a TTY the
// simple renderer prints one line per step, each prefixed with the host (listr2's simple
// renderer drops task titles, so concurrent hosts would otherwise be anonymous).
import { Listr, ListrLogger, type ProcessOutput } from 'listr2';
import type { ApplyLog, StepEvent } from './types.ts';
import type { HostOutcome, RunResult } from './run.ts';

export interface ProgressOptions {
  /** Use the interactive renderer (default: process.stdout.isTTY and no CI). */
  tty?: boolean;
  /** Where lines go (tests capture them); default stdout/stderr. */
  output?: ProcessOutput;
}

interface HostSlot {
  output(line: string): void;
  finish(outcome: HostOutcome): void;
  pending: string[];
  done?: HostOutcome;
}

export function formatEvent(e: StepEvent): string {
  const group = e.group === '*' ? '' : ` [${e.group}]`;
  const mark = e.status === 'fail' ? '✖ ' : e.status === 'skip' ? '↓ ' : '';
  return `${e.host}${group}: ${mark}${e.step}: ${e.message}`;
}

/** Runs `work` with a live view; resolves with work's result once every host task has settled. */
export async function withProgress(hosts: string[], work: (log: ApplyLog) => Promise<RunResult>, opts: ProgressOptions = {}): Promise<RunResult> {
  const tty = opts.tty ?? (!!process.stdout.isTTY && !process.env.CI);
  const slots = new Map<string, HostSlot>();
  for (const h of hosts) slots.set(h, { pending: [], output: (l) => slots.get(h)!.pending.push(l), finish: (o) => (slots.get(h)!.done = o) });

  const logger = opts.output ? new ListrLogger({ processOutput: opts.output }) : undefined;
  const list = new Listr(
    hosts.map((h) => ({
      title: h,
      rendererOptions: { persistentOutput: true, outputBar: Infinity },
      task: (_ctx: unknown, task: { output: string; title: string }) =>
        new Promise<void>((resolve, reject) => {
          const slot = slots.get(h)!;
          const settle = (o: HostOutcome) => {
            task.title = `${h}: ${o}`;
            if (o === 'applied' || o === 'unchanged') resolve();
            else if (o === 'skipped') resolve();
            else reject(new Error(`${h}: ${o}`));
          };
          slot.output = (line) => (task.output = line);
          slot.finish = settle;
          for (const l of slot.pending.splice(0)) task.output = l;
          if (slot.done) settle(slot.done);
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      collectErrors: 'minimal',
      registerSignalListeners: false,
      renderer: 'default',
      fallbackRenderer: 'simple',
      fallbackRendererCondition: !tty,
      ...(logger ? { rendererOptions: { logger }, fallbackRendererOptions: { logger } } : {}),
    },
  );
  const view = list.run();
  const log: ApplyLog = {
    event: (e) => {
      const slot = slots.get(e.host);
      // A host's task ends as soon as the host is done, not when the whole run ends.
      if (e.step === 'done' && e.group === '*' && e.outcome) slot?.finish(e.outcome);
      else slot?.output(formatEvent(e));
    },
  };
  // Settle every host task, even when work threw, so the listr run can end.
  const settleAll = async (result: RunResult | undefined) => {
    for (const h of hosts) slots.get(h)!.finish(result ? result.hosts.find((x) => x.host === h)?.outcome ?? 'skipped' : 'failed');
    await view.catch(() => {});
  };
  let result: RunResult;
  try {
    result = await work(log);
  } catch (err) {
    await settleAll(undefined);
    throw err;
  }
  await settleAll(result);
  return result;
}
