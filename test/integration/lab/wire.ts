// What the lab's daemons serve and answer, asked with the Debian tools (openssl s_client, dig),
// independent of mailtls's own probe and DNS code.
import { X509Certificate } from 'node:crypto';
import { run } from '../../lab/run.ts';

/** The leaf certificate a TLS endpoint serves (STARTTLS dialect or implicit TLS). */
export async function servedLeaf(address: string, port: number, starttls?: 'smtp' | 'imap' | 'pop3' | 'sieve'): Promise<X509Certificate> {
  const argv = ['openssl', 's_client', '-connect', `${address}:${port}`, '-servername', 'mx1.lab.test'];
  if (starttls) argv.push('-starttls', starttls);
  const r = await run(argv, { input: '', timeoutMs: 15_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
  if (!pem) throw new Error(`no certificate from ${address}:${port}: ${r.stderr.slice(-500)}`);
  return new X509Certificate(pem);
}

export function leafOfFile(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

export interface DigAnswer {
  flags: string[];
  status: string;
  records: string[];
}

/** `dig +dnssec` of one name/type at one server; records are the answer lines of `type`. */
export async function dig(server: string, name: string, type: string, extra: string[] = []): Promise<DigAnswer> {
  const r = await run(['dig', '+dnssec', '+tries=2', '+time=3', `@${server}`, name, type, ...extra], { timeoutMs: 15_000 });
  const flags = /;; flags: ([a-z ]+);/.exec(r.stdout)?.[1]?.trim().split(/\s+/) ?? [];
  const status = /status: ([A-Z]+)/.exec(r.stdout)?.[1] ?? 'NO ANSWER';
  const records = r.stdout
    .split('\n')
    .filter((l) => l && !l.startsWith(';'))
    .map((l) => l.split(/\s+/))
    .filter((f) => f[3] === type)
    .map((f) => f.slice(4).join(' '));
  return { flags, status, records };
}

export async function soaSerial(server: string, zone: string): Promise<number | undefined> {
  const r = await run(['dig', '+short', '+norec', `@${server}`, zone, 'SOA'], { timeoutMs: 10_000 });
  const f = r.stdout.trim().split(/\s+/);
  return f.length >= 3 ? Number(f[2]) : undefined;
}
