// PEM splitting: certificates and private keys out of one text, in file order. Minimal on
// purpose (src/pki owns the full X.509 maths); kept here so sources do not wait on it.

export interface PemBlock {
  label: string; // "CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", …
  /** The whole block, BEGIN to END line, newline-terminated. */
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

export function splitPem(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) out.push({ label: m[1] ?? '', text: `${m[0].replace(/\r\n/g, '\n')}\n` });
  return out;
}

export function certBlocks(text: string): string[] {
  return splitPem(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.text);
}

export function keyBlocks(text: string): string[] {
  return splitPem(text)
    .filter((b) => b.label.endsWith('PRIVATE KEY'))
    .map((b) => b.text);
}
