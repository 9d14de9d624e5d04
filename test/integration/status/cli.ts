// Runs the real CLI (bin/mailtls.js) in a child process and checks EVERY output for private key
// material before a test looks at it (Invariant 6).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { containsPrivateKeyMaterial } from '../../../src/pki/index.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function mailtls(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mailtls.js', ...args], { env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (containsPrivateKeyMaterial(stdout) || containsPrivateKeyMaterial(stderr)) {
        reject(new Error(`mailtls ${args.join(' ')} printed private key material`));
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

const schema = JSON.parse(readFileSync(new URL('../../../schemas/status.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

/** Parses `status --format json` output and checks it against schemas/status.schema.json. */
export function statusJson(stdout: string): StatusJson {
  const data = JSON.parse(stdout) as StatusJson;
  if (!validate(data)) throw new Error(`status JSON does not match its schema: ${JSON.stringify(validate.errors?.slice(0, 5))}`);
  return data;
}

export interface StatusJson {
  format_version: string;
  hosts: Array<{
    host: string;
    reachable: boolean;
    services: Array<{
      service: string;
      files: Array<{ algorithm: string; cert: { sha256?: string; leaf?: { spki: string; fingerprint: string } }; key: { key?: { spki: string }; mode?: string }; key_matches_cert: boolean | null }>;
      endpoints: Array<{ port: number; starttls: string | null; ok: boolean; served?: { spki: string; fingerprint: string }; matches_disk: boolean | null; tlsa: string | null; error?: { code: string } }>;
    }>;
    problems: Finding[];
  }>;
  tlsa: Array<{
    owner: string; dnssec: string; records: string[]; served_keys_match: boolean | null; authoritative: Array<{ server: string; serial?: number; state: string; rrsig_expires?: string }>;
    rrsig_expires?: string; host_addresses?: { name: string; addresses: string[]; ad: boolean; errors?: string[] };
  }>;
  findings: Finding[];
  summary: { consistent: boolean; errors: number; warnings: number };
}

export interface Finding {
  code: string;
  severity: string;
  message: string;
  where?: Record<string, unknown>;
}

/** Every finding of a status report (host problems and the rest). */
export function allFindings(s: StatusJson): Finding[] {
  return [...s.hosts.flatMap((h) => h.problems), ...s.findings];
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
