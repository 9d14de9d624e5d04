// Facts about one service's file set on a host, read over the session: lstat (symlink?), stat
// (following it), SHA-256, mode, owner, parsed certificates, key facts, whether key and leaf
// match and whether the chain is in order. Key bytes live only inside `readSet` and are
// dropped as soon as the facts are computed; nothing here returns or logs them.
import type { X509Certificate, KeyObject } from 'node:crypto';
import type { FileSet, KeyAlgorithm } from '../inventory/types.ts';
import type { FileFacts, FileSetFacts } from './types.ts';
import type { HostSession } from '../transport/types.ts';
import { certFacts, chainInOrder, keyFacts, keyMatchesCert, parsePemBundle, sha256Hex } from '../pki/index.ts';
import { HostOpError, TransportError } from '../transport/errors.ts';

function modeString(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0');
}

interface Parsed {
  facts: FileFacts;
  certs: X509Certificate[];
  key?: KeyObject;
}

/** Reads one path. Connection loss propagates (the host is gone); per-file failures become `error`. */
async function readOne(session: HostSession, path: string): Promise<Parsed> {
  const facts: FileFacts = { path, exists: false };
  try {
    const l = await session.lstat(path);
    if (!l) return { facts, certs: [] };
    if (l.isSymlink) facts.linkTarget = await session.readlink(path);
    const s = l.isSymlink ? await session.stat(path) : l;
    if (!s) {
      facts.error = `dangling symlink to ${facts.linkTarget}`;
      return { facts, certs: [] };
    }
    facts.exists = true;
    facts.mode = modeString(s.mode);
    facts.uid = s.uid;
    facts.gid = s.gid;
    facts.size = s.size;
    // Names for display; the session reads /etc/passwd + /etc/group once and caches them.
    const n = await session.resolveNames(s.uid, s.gid).catch(() => ({}) as { owner?: string; group?: string });
    if (n.owner !== undefined) facts.owner = n.owner;
    if (n.group !== undefined) facts.group = n.group;
    if (!s.isFile) {
      facts.error = 'not a regular file';
      return { facts, certs: [] };
    }
    const bytes = await session.readFile(path);
    facts.sha256 = sha256Hex(bytes);
    const bundle = parsePemBundle(bytes);
    bytes.fill(0); // the file may hold a key: do not leave it in a buffer longer than needed
    if (bundle.certs.length) facts.certs = bundle.certs.map(certFacts);
    if (bundle.key) facts.key = keyFacts(bundle.key);
    const errors = [...bundle.errors];
    if (!bundle.certs.length && !bundle.key && !errors.length) errors.push('no PEM certificate or key in the file');
    if (errors.length) facts.error = errors.join('; ');
    return { facts, certs: bundle.certs, ...(bundle.key ? { key: bundle.key } : {}) };
  } catch (err) {
    if (err instanceof TransportError) throw err;
    facts.error = err instanceof HostOpError ? err.message : `${path}: ${(err as Error)?.message ?? String(err)}`;
    return { facts, certs: [] };
  }
}

/** Facts for one algorithm's file set. Combined files (key + chain in one) are read once. */
export async function readFileSet(session: HostSession, algorithm: KeyAlgorithm, set: FileSet): Promise<FileSetFacts> {
  const paths = [...new Set([set.cert, set.key, ...(set.chain ? [set.chain] : [])])];
  const read = new Map<string, Parsed>();
  for (const p of paths) read.set(p, await readOne(session, p));
  const cert = read.get(set.cert) as Parsed;
  const key = read.get(set.key) as Parsed;
  const chain = set.chain ? read.get(set.chain) : undefined;
  const out: FileSetFacts = { algorithm, cert: cert.facts, key: key.facts };
  if (chain) out.chain = chain.facts;
  const leaf = cert.certs[0];
  if (leaf && key.key) out.keyMatchesCert = keyMatchesCert(key.key, leaf);
  // A cert file with the chain appended, or leaf file + chain file: the order must hold across both.
  const all = [...cert.certs, ...(chain && chain !== cert ? chain.certs : [])];
  if (all.length) out.chainInOrder = chainInOrder(all);
  read.clear(); // drops the KeyObjects
  return out;
}
