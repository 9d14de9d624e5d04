// The local journal: one JSON line per step, appended and fsynced BEFORE the step runs, under
// `.mailtls/journal/<runid>.jsonl`. After a crash `readJournals` + recovery.ts tell per host and
// group what was in flight. Entries hold paths, hashes and argv; never bytes.
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry, JournalWriter } from './types.ts';

export const DEFAULT_JOURNAL_DIR = join('.mailtls', 'journal');

export interface JournalLine extends JournalEntry {
  ts: string;
  run_id: string;
  seq: number;
}

export class FileJournal implements JournalWriter {
  readonly path: string;
  readonly runId: string;
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly fh: fsp.FileHandle;
  private readonly now: () => Date;
  private constructor(path: string, runId: string, fh: fsp.FileHandle, now: () => Date) {
    this.path = path;
    this.runId = runId;
    this.fh = fh;
    this.now = now;
  }

  /** Opens (appends to) the journal of `runId`; recovery reopens an old run's journal this way. */
  static async open(dir: string, runId: string, now: () => Date = () => new Date()): Promise<FileJournal> {
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${runId}.jsonl`);
    const fh = await fsp.open(path, 'a', 0o600);
    const j = new FileJournal(path, runId, fh, now);
    const old = await readLines(path);
    j.seq = old.length ? Math.max(...old.map((l) => l.seq)) + 1 : 0;
    return j;
  }

  record(entry: JournalEntry): Promise<void> {
    // Serialised: hosts run in parallel but lines must never interleave.
    const next = this.chain.then(async () => {
      const line: JournalLine = { ts: this.now().toISOString(), run_id: this.runId, seq: this.seq++, ...entry };
      await this.fh.write(JSON.stringify(line) + '\n');
      await this.fh.sync();
    });
    this.chain = next.catch(() => {});
    return next;
  }

  /** Marks the start of a run with who runs it, so recovery can tell a live run from a dead one. */
  start(extra: Record<string, unknown> = {}): Promise<void> {
    return this.record({ host: '*', group: '*', step: 'run-start', data: { pid: process.pid, machine: hostname(), ...extra } });
  }

  end(): Promise<void> {
    return this.record({ host: '*', group: '*', step: 'run-end' });
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh.close();
  }
}

async function readLines(path: string): Promise<JournalLine[]> {
  const text = await fsp.readFile(path, 'utf8').catch(() => '');
  const out: JournalLine[] = [];
  for (const l of text.split('\n')) {
    if (!l.trim()) continue;
    try {
      out.push(JSON.parse(l) as JournalLine);
    } catch {
      // A line torn by a crash mid-write: everything before it is intact and fsynced.
    }
  }
  return out;
}

export interface RunJournal {
  runId: string;
  path: string;
  lines: JournalLine[];
}

/** Every journal in `dir` that did not end with `run-end`, oldest first. */
export async function readUnfinished(dir: string): Promise<RunJournal[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const out: RunJournal[] = [];
  for (const n of names.filter((x) => x.endsWith('.jsonl')).sort()) {
    const path = join(dir, n);
    const lines = await readLines(path);
    if (lines.length && lines[lines.length - 1]?.step !== 'run-end') out.push({ runId: n.slice(0, -'.jsonl'.length), path, lines });
  }
  return out;
}
