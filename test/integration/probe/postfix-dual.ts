// A private Postfix instance for probe tests: its own config, queue and data directories in a temp
// dir, listening on one loopback address, serving an RSA and an ECDSA certificate at once
// (`smtpd_tls_chain_files`, each file = key then leaf then chain), as a dual-algorithm MX does.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

export interface PostfixInstance {
  address: string;
  ports: { smtp: number; smtp12: number; submissions: number };
  stop(): Promise<void>;
}

export interface ChainFile {
  keyPem: string;
  certPem: string;
  chainPem: string;
}

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

const SERVICES = `pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
`;

export async function startDualPostfix(address: string, files: ChainFile[]): Promise<PostfixInstance> {
  // Under /var: Postfix accepts a maillog_file only below maillog_file_prefixes (/var, /dev/stdout).
  const dir = mkdtempSync(join('/var/tmp', 'mailtls-postfix-dual-'));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700; the postfix user must reach data/
  const conf = join(dir, 'conf');
  const queue = join(dir, 'queue');
  const logFile = join(dir, 'postfix.log');
  const data = join(dir, 'data');
  for (const d of [conf, queue]) mkdirSync(d, { mode: 0o755 });
  mkdirSync(data, { mode: 0o700 });
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postfix']).toString().trim());
  chownSync(data, uid, gid);
  const chainFiles = files.map((f, i) => {
    const p = join(conf, `chain${i}.pem`);
    writeFileSync(p, f.keyPem + f.certPem + f.chainPem, { mode: 0o600 });
    return p;
  });
  const ports = { smtp: 2525, smtp12: 2526, submissions: 2465 };
  writeFileSync(join(conf, 'main.cf'), `# mailtls probe test instance
compatibility_level = 3.6
queue_directory = ${queue}
data_directory = ${data}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = all
inet_protocols = ipv4
myhostname = dual.lab.test
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
maillog_file = ${logFile}
smtpd_tls_chain_files = ${chainFiles.join(', ')}
smtpd_tls_security_level = may
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
`);
  writeFileSync(join(conf, 'master.cf'), `${address}:${ports.smtp} inet n - n - - smtpd
${address}:${ports.smtp12} inet n - n - - smtpd
  -o smtpd_tls_protocols=!SSLv2,!SSLv3,!TLSv1.3
${address}:${ports.submissions} inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
${SERVICES}`);
  const postfix = (verb: string) => {
    try {
      execFileSync('postfix', ['-c', conf, verb], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    } catch (err) {
      const e = err as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`postfix ${verb} failed: ${String(e.stderr ?? '')}${String(e.stdout ?? '')}`.trim());
    }
  };
  try {
    postfix('start');
    await waitFor(() => canConnect(address, ports.smtp), `Postfix on ${address}:${ports.smtp}`);
  } catch (err) {
    try { postfix('stop'); } catch { /* not started */ }
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return {
    address,
    ports,
    async stop() {
      try {
        postfix('stop');
        await waitFor(async () => !(await canConnect(address, ports.smtp)), 'Postfix to stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
