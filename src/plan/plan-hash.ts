// The plan hash covers the semantic change set only: what changes, from which identity to
// which. No timestamps and no reasons ("expires in 12 days" moves with the clock), so a plan
// made a minute later of the same world hashes the same.
import type { Change } from './types.ts';
import { canonicalJson, sha256hex } from './util.ts';

export function planHash(changes: Change[]): string {
  const semantic = changes.map((c) => ({
    id: c.id,
    action: c.action,
    target: c.target,
    group: c.group,
    before: c.before,
    after: c.after,
    files: c.files?.map((f) => ({ role: f.role, path: f.path, differs: f.differs, before: f.before, after: f.after })),
    records: c.records,
    depends_on: c.depends_on,
  }));
  return sha256hex(canonicalJson(semantic));
}
