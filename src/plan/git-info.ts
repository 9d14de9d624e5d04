// The inventory's git commit and whether the inventory file differs from it. Tolerates "not a
// git repository" (and git missing): both come back null.
import { dirname, basename, resolve } from 'node:path';
import { simpleGit } from 'simple-git';

export interface GitInfo {
  commit: string | null;
  dirty: boolean | null;
}

export async function readGitInfo(inventoryPath: string): Promise<GitInfo> {
  const abs = resolve(inventoryPath);
  try {
    const git = simpleGit(dirname(abs));
    if (!(await git.checkIsRepo())) return { commit: null, dirty: null };
    let commit: string | null = null;
    try {
      commit = (await git.revparse(['HEAD'])).trim();
    } catch {
      commit = null; // a repository without commits
    }
    // Porcelain status of just this file: empty means committed and unchanged.
    const out = await git.raw(['status', '--porcelain', '--', basename(abs)]);
    return { commit, dirty: out.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}
