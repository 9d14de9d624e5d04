// A world with no daemons for CLI tests: an inventory whose one host sits on a loopback address
// where nothing listens (every connection refused at once), a fresh SSH identity beside it, and
// a runner for the real CLI that scans every output for key material.
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containsPrivateKeyMaterial } from '../../../../src/pki/index.ts';

export function refusedHostInventory(prefix: string): { dir: string; inv: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const inv = join(dir, 'hosts.yaml');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  // 127.0.77.1: not a lab address; nothing listens there.
  writeFileSync(inv, `version: 1
hosts:
  mx:
    address: 127.0.77.1
    ssh:
      identity: file:id_ed25519
      host_keys: [ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvHSdyV8QkxR39W5SXqhhVHsncm5eYlmRTaXUNeowwc]
    services:
      postfix:
        mode: postfix
        certificate: mail
        endpoints: [{ port: 2525, starttls: smtp, sni: mx.example.test }]
certificates:
  mail:
    names: [mx.example.test]
    source: { type: files, cert: cert.pem, key: file:key.pem }
`);
  return { dir, inv };
}

/** Runs `node bin/mailtls.js ARGS` without colour or GitHub annotations; asserts no key material. */
export function runCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/mailtls.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...env } });
  assert.not.ok(containsPrivateKeyMaterial(r.stdout + r.stderr), 'no key material');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
