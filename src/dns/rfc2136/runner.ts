// Runs knsupdate (preferred) or nsupdate with the script on stdin: argv arrays, no shell, no
// `-y`, no key file in argv. Output is returned with the secret blanked out, in case a tool
// ever echoes a line.
import { spawn } from 'node:child_process';

export type UpdateTool = 'knsupdate' | 'nsupdate';

export interface RunOutput {
  tool: UpdateTool;
  code: number | null;
  timedOut: boolean;
  output: string;
}

export const TOOLS: UpdateTool[] = ['knsupdate', 'nsupdate'];

/** argv per tool: a total timeout in seconds (both spell it -t). */
export function toolArgv(tool: UpdateTool, timeoutSec: number): string[] {
  return [tool, '-t', String(Math.max(1, Math.ceil(timeoutSec)))];
}

/** Runs the first tool that exists; undefined when none is installed. */
export async function runUpdate(script: string, secret: string | undefined, timeoutMs: number, tools = TOOLS): Promise<RunOutput | undefined> {
  for (const tool of tools) {
    const r = await runOne(tool, script, timeoutMs);
    if (r === 'missing') continue;
    return { ...r, output: redact(r.output, secret) };
  }
  return undefined;
}

export function redact(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('[secret]') : text;
}

function runOne(tool: UpdateTool, script: string, timeoutMs: number): Promise<Omit<RunOutput, 'tool'> & { tool: UpdateTool } | 'missing'> {
  return new Promise((resolve) => {
    const [cmd, ...args] = toolArgv(tool, timeoutMs / 1000);
    const child = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    let timedOut = false;
    let settled = false;
    // The tool's own -t bounds the DNS part; this guards against a hung process.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs + 5000);
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.stdin.on('error', () => {}); // the tool may exit before reading everything
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(e.code === 'ENOENT' ? 'missing' : { tool, code: null, timedOut, output: `cannot run ${tool}: ${e.code ?? e.message}` });
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ tool, code, timedOut, output });
    });
    child.stdin.end(script);
  });
}
