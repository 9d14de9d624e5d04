#!/usr/bin/env node
// Entry point. Runs the bundle (dist/cli/main.mjs, `npm run build`) when it is newer than every
// source file; otherwise registers tsx and runs the TypeScript sources as they are, so an edited
// tree never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'main.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  if (process.env.MAILTLS_NO_BUNDLE || !existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return [join(root, 'src'), join(root, 'schemas')].every((d) => !existsSync(d) || newestMtime(d) < built);
}

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
