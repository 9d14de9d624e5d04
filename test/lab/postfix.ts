// One Postfix instance per mail host, each with its own config directory, queue and data
// directory, listening only on its host's address: SMTP 25 (STARTTLS), submission 587 (STARTTLS),
// submissions 465 (implicit TLS). The certificate files are the ones mailtls manages.
import { mkdirSync, chownSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { ADDR, ZONE } from './layout.ts';
import type { Layout, MailHost } from './layout.ts';

function mainCf(l: Layout, h: MailHost): string {
  const p = l[h];
  return `# written by the mailtls lab (test/lab/postfix.ts)
compatibility_level = 3.6
queue_directory = ${p.postfixQueue}
data_directory = ${p.postfixData}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
# Only 127.0.0.1 is configured on lo; the host's own address is bound per service in
# master.cf instead (Postfix refuses inet_interfaces that is no local interface).
inet_interfaces = all
inet_protocols = ipv4
myhostname = ${h}.${ZONE}
mydomain = ${ZONE}
myorigin = $myhostname
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
local_recipient_maps =
local_transport = error:local delivery is disabled in the lab
alias_maps =
alias_database =
biff = no
maillog_file = ${p.postfixLog}
maillog_file_prefixes = ${l.logs}
smtpd_banner = $myhostname ESMTP lab
smtpd_tls_cert_file = ${p.postfixCert}
smtpd_tls_key_file = ${p.postfixKey}
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtp_tls_security_level = may
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
`;
}

// chroot (5th column) off everywhere: the queue lives under the lab's state directory.
const masterCf = (addr: string) => `# written by the mailtls lab (test/lab/postfix.ts)
${addr}:smtp       inet  n       -       n       -       -       smtpd
${addr}:submission inet  n       -       n       -       -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=no
  -o smtpd_relay_restrictions=permit_mynetworks,reject
${addr}:submissions inet n       -       n       -       -       smtpd
  -o syslog_name=postfix/submissions
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=no
  -o smtpd_relay_restrictions=permit_mynetworks,reject
pickup     unix  n       -       n       60      1       pickup
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
local      unix  -       n       n       -       -       local
virtual    unix  -       n       n       -       -       virtual
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
`;

export function writePostfixConfig(l: Layout, h: MailHost): void {
  const p = l[h];
  mkdirSync(p.postfixDir, { recursive: true, mode: 0o755 });
  mkdirSync(p.postfixQueue, { recursive: true, mode: 0o755 });
  mkdirSync(p.postfixData, { recursive: true, mode: 0o700 });
  const uid = Number(execFileSync('id', ['-u', 'postfix']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postfix']).toString().trim());
  chownSync(p.postfixData, uid, gid);
  writeFileSync(`${p.postfixDir}/main.cf`, mainCf(l, h), { mode: 0o644 });
  writeFileSync(`${p.postfixDir}/master.cf`, masterCf(ADDR[h]), { mode: 0o644 });
}

export function postfixArgv(l: Layout, h: MailHost, verb: 'start' | 'stop' | 'reload' | 'check'): string[] {
  return ['postfix', '-c', l[h].postfixDir, verb];
}
