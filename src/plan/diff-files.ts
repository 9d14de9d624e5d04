// Disk side of the diff for one desired set: every target file compared with what is on disk.
// Bytes, a missing file or a symlink to replace → deploy; only mode/owner → fix-perms.
import type { FileSetFacts } from '../state/types.ts';
import type { DesiredSet, FileChange, FileDiff } from './types.ts';
import { filesByPath, fileIdentity } from './live-lookup.ts';
import { short } from './util.ts';

export interface FilesVerdict {
  files: FileChange[];
  needsDeploy: boolean;
  needsPerms: boolean;
  reasons: string[];
}

export function diffFiles(set: DesiredSet, fs: FileSetFacts | undefined): FilesVerdict {
  const onDisk = filesByPath(fs);
  const files: FileChange[] = [];
  const reasons: string[] = [];
  let needsDeploy = false;
  let needsPerms = false;
  for (const d of set.files) {
    const l = onDisk.get(d.path);
    const differs: FileDiff[] = [];
    const after = { sha256: d.sha256, mode: d.mode, owner: `${d.owner}:${d.group}`, exists: true };
    const before = fileIdentity(l);
    if (!l || !l.exists) {
      differs.push('missing');
      reasons.push(`${d.role} file ${d.path} is missing`);
    } else {
      if (l.linkTarget && set.replaceSymlinks) {
        differs.push('symlink');
        reasons.push(`${d.path} is a symlink to ${l.linkTarget}, want a real file`);
      }
      if (l.sha256 !== d.sha256) differs.push('bytes');
      if (l.mode !== d.mode) {
        differs.push('mode');
        reasons.push(`file mode ${l.mode ?? '?'}, want ${d.mode} (${d.path})`);
      }
      // Compare names only when the gatherer resolved them (ids alone cannot be compared to names).
      const namesKnown = l.owner !== undefined && l.group !== undefined;
      if (namesKnown && before.owner !== after.owner) {
        differs.push('owner');
        reasons.push(`owner ${before.owner ?? '?'}, want ${after.owner} (${d.path})`);
      }
    }
    if (differs.some((x) => x === 'missing' || x === 'bytes' || x === 'symlink')) needsDeploy = true;
    else if (differs.length > 0) needsPerms = true;
    files.push({ role: d.role, path: d.path, differs, before, after, secret: d.secret });
  }
  if (needsDeploy) reasons.unshift(...bytesReasons(set, fs, files));
  return { files, needsDeploy, needsPerms: needsPerms && !needsDeploy, reasons };
}

/** Why the bytes differ, in identities: serial, SPKI, chain. */
function bytesReasons(set: DesiredSet, fs: FileSetFacts | undefined, files: FileChange[]): string[] {
  if (!files.some((f) => f.differs.includes('bytes'))) return [];
  const out: string[] = [];
  const diskLeaf = fs?.cert.certs?.[0];
  const diskKey = fs?.key.key?.spki;
  if (diskLeaf && diskLeaf.fingerprint !== set.leaf.fingerprint)
    out.push(`certificate on disk differs from source (serial ${diskLeaf.serial} -> ${set.leaf.serial})`);
  else if (!diskLeaf && fs?.cert.exists) out.push('certificate file on disk holds no readable certificate');
  if (diskKey && diskKey !== set.keySpki) out.push(`key on disk differs from source (SPKI ${short(diskKey)} -> ${short(set.keySpki)})`);
  if (out.length === 0) {
    const roles = files.filter((f) => f.differs.includes('bytes')).map((f) => f.role);
    out.push(`${roles.join(', ')} file bytes differ from source (same leaf; chain or encoding)`);
  }
  return out;
}
