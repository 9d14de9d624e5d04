// Commands are argv arrays run without a shell. Shell syntax inside an element would be passed
// literally (and silently do something else), so it is refused here, with the argv to write.
import type { RawCommands } from '../raw.ts';
import type { Ctx } from './context.ts';
import { report } from './context.ts';
import type { Path } from '../yaml-source.ts';
import { showPath } from '../yaml-source.ts';

const META = /[;|&$`()<>\n\\*?{}[\]~]/;

export function normalizeCommands(raw: RawCommands): string[][] {
  if (raw.length === 0) return [];
  return Array.isArray(raw[0]) ? (raw as string[][]) : [raw as string[]];
}

export function checkCommands(ctx: Ctx, raw: RawCommands | undefined, path: Path): void {
  if (!raw) return;
  const nested = raw.length > 0 && Array.isArray(raw[0]);
  normalizeCommands(raw).forEach((argv, i) => {
    const base: Path = nested ? [...path, i] : path;
    argv.forEach((arg, j) => {
      const where = [...base, j];
      const m = META.exec(arg);
      if (m) {
        const ch = m[0] === '\n' ? 'a newline' : `"${m[0]}"`;
        report(ctx, 'SHELL_STRING', `${showPath(where)} contains the shell character ${ch}; commands run without a shell — use an argv array (one element per argument, several commands as a list of arrays)`, where);
      } else if (j === 0 && /\s/.test(arg.trim())) {
        report(ctx, 'SHELL_STRING', `${showPath(where)} "${arg}" is a program name with spaces; write the argv array ${JSON.stringify(arg.trim().split(/\s+/))}`, where);
      }
    });
  });
}
