// A private Dovecot instance for probe tests: own config, base_dir and state in a temp dir, on one
// loopback address, serving an ECDSA certificate (ssl_cert) and an RSA one (ssl_alt_cert).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface DovecotInstance {
  address: string;
  ports: { imap: number; imaps: number; pop3: number; pop3s: number; sieve: number };
  stop(): Promise<void>;
}

export interface CertFiles { certPem: string; chainPem: string; keyPem: string }

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(fn: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startDualDovecot(address: string, main: CertFiles, alt: CertFiles): Promise<DovecotInstance> {
  const dir = mkdtempSync(join('/var/tmp', 'mailtls-dovecot-dual-'));
  chmodSync(dir, 0o755); // login processes run unprivileged and must reach base_dir
  const [run, state, mail] = ['run', 'state', 'mail'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [run, state, mail]) mkdirSync(d, { mode: 0o755 });
  const files: Record<string, string> = {
    'main.crt': main.certPem + main.chainPem, 'main.key': main.keyPem,
    'alt.crt': alt.certPem + alt.chainPem, 'alt.key': alt.keyPem,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
  const ports = { imap: 10143, imaps: 10993, pop3: 10110, pop3s: 10995, sieve: 14190 };
  const log = join(dir, 'dovecot.log');
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, `# mailtls probe test instance
protocols = imap pop3 sieve
listen = ${address}
base_dir = ${run}
state_dir = ${state}
instance_name = mailtls-probe-dual-${process.pid}
log_path = ${log}
ssl = yes
ssl_cert = <${join(dir, 'main.crt')}
ssl_key = <${join(dir, 'main.key')}
ssl_alt_cert = <${join(dir, 'alt.crt')}
ssl_alt_key = <${join(dir, 'alt.key')}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
mail_location = maildir:${mail}/%u
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${mail}/%u
}
service imap-login {
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service managesieve-login {
  inet_listener sieve {
    port = ${ports.sieve}
  }
}
`);
  const stopDaemon = () => {
    try {
      execFileSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore', timeout: 15_000 });
    } catch {
      /* not running */
    }
  };
  try {
    // stdio ignored: the daemon keeps inherited pipes open, and a piped call would never return.
    execFileSync('dovecot', ['-c', conf], { stdio: 'ignore', timeout: 15_000 });
    await waitFor(() => canConnect(address, ports.sieve), `Dovecot on ${address}:${ports.sieve}`);
  } catch (err) {
    stopDaemon();
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`dovecot failed to start: ${(err as Error).message}\n${tail}`);
  }
  return {
    address,
    ports,
    async stop() {
      try {
        stopDaemon();
        await waitFor(async () => !(await canConnect(address, ports.imaps)), 'Dovecot to stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
