// PEM bundles: split a file's text into its certificates (in file order) and at most one private
// key. The key is returned as a KeyObject only; its PEM text is never kept.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface PemBundle {
  certs: X509Certificate[];
  key?: KeyObject;
  /** Blocks that could not be used, described without their content. */
  errors: string[];
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const KEY_LABELS = new Set(['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);

/** Parses every PEM block of `text`. Anything that is not a certificate or one supported key is an error entry. */
export function parsePemBundle(text: string | Buffer): PemBundle {
  const src = typeof text === 'string' ? text : text.toString('latin1');
  const out: PemBundle = { certs: [], errors: [] };
  let blocks = 0;
  for (const m of src.matchAll(BLOCK)) {
    blocks++;
    const label = m[1] ?? '';
    const where = `block ${blocks} (${label})`;
    if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
      try {
        out.certs.push(new X509Certificate(m[0]));
      } catch (err) {
        out.errors.push(`${where}: not a valid certificate (${shortReason(err)})`);
      }
    } else if (KEY_LABELS.has(label)) {
      if (out.key) {
        out.errors.push(`${where}: a second private key (a file holds at most one)`);
        continue;
      }
      try {
        out.key = createPrivateKey({ key: m[0], format: 'pem' });
      } catch (err) {
        // The reason from OpenSSL never echoes key bytes; keep it short anyway.
        out.errors.push(`${where}: not a usable private key (${shortReason(err)})`);
      }
    } else if (label === 'ENCRYPTED PRIVATE KEY') {
      out.errors.push(`${where}: encrypted private keys are not supported`);
    } else if (label.endsWith('PARAMETERS')) {
      // "EC PARAMETERS" / "DH PARAMETERS" blocks are harmless companions in old key files.
    } else {
      out.errors.push(`${where}: unexpected PEM block`);
    }
  }
  if (blocks === 0) out.errors.push('no PEM block found');
  return out;
}

function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 120);
}
