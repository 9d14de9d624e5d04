// Which bytes go into which file, by the file-set convention the inventory resolved:
//   chain path given → cert = leaf, chain = intermediates, key = key;
//   no chain path    → cert = leaf + intermediates (Postfix/Dovecot read the chain from it);
//   combined         → one file: key, then leaf, then intermediates (smtpd_tls_chain_files).
import type { FileOwnership, FileSet } from '../inventory/types.ts';
import type { CertMaterial } from '../sources/types.ts';
import type { DesiredFile, FileRole } from './types.ts';
import { sha256hex } from './util.ts';

function file(role: FileRole, path: string, text: string, own: FileOwnership, secret: boolean): DesiredFile {
  const bytes = Buffer.from(text, 'utf8');
  const f = {
    role,
    path,
    sha256: sha256hex(bytes),
    mode: secret ? own.keyMode : own.certMode,
    owner: own.owner,
    group: own.group,
    secret,
  } as Omit<DesiredFile, 'bytes'> as DesiredFile;
  // Non-enumerable: JSON.stringify, spread and util.inspect never see the bytes.
  Object.defineProperty(f, 'bytes', { value: bytes, enumerable: false });
  return f;
}

export function desiredFiles(set: FileSet, m: CertMaterial, own: FileOwnership): DesiredFile[] {
  if (set.combined) return [file('combined', set.key, m.keyPem + m.leafPem + m.chainPem, own, true)];
  const out: DesiredFile[] = [];
  if (set.chain) {
    out.push(file('cert', set.cert, m.leafPem, own, false));
    out.push(file('chain', set.chain, m.chainPem, own, false));
  } else {
    out.push(file('cert', set.cert, m.leafPem + m.chainPem, own, false));
  }
  out.push(file('key', set.key, m.keyPem, own, true));
  return out;
}
