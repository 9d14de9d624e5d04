// Dovecot on mx1, its own config and base_dir (so `doveadm -c <conf> reload` finds it):
// IMAP 143 (STARTTLS), IMAPS 993, POP3 110 (STARTTLS), POP3S 995, ManageSieve 4190 (STARTTLS).
// Auth is a static passdb; no real users are needed to test TLS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { ADDR } from './layout.ts';
import type { Layout, MailHost } from './layout.ts';

function dovecotConf(l: Layout, h: MailHost): string {
  const p = l[h];
  return `# written by the mailtls lab (test/lab/dovecot.ts)
protocols = imap pop3 sieve
listen = ${ADDR[h]}
base_dir = ${p.dovecotBase}
state_dir = ${p.dovecotState}
instance_name = dovecot-lab-${h}
log_path = ${p.dovecotLog}
info_log_path = ${p.dovecotLog}
ssl = yes
ssl_cert = <${p.dovecotCert}
ssl_key = <${p.dovecotKey}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
mail_location = maildir:${p.dovecotMail}/%u
passdb {
  driver = static
  args = password=lab
}
userdb {
  driver = static
  args = uid=mail gid=mail home=${p.dovecotMail}/%u
}
service imap-login {
  inet_listener imap {
    port = 143
  }
  inet_listener imaps {
    port = 993
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
  inet_listener pop3s {
    port = 995
    ssl = yes
  }
}
service managesieve-login {
  inet_listener sieve {
    port = 4190
  }
}
`;
}

export function writeDovecotConfig(l: Layout, h: MailHost): void {
  const p = l[h];
  for (const d of [p.dovecotDir, p.dovecotBase, p.dovecotState, p.dovecotMail]) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
  }
  writeFileSync(p.dovecotConfig, dovecotConf(l, h), { mode: 0o644 });
}

export function dovecotArgv(l: Layout, h: MailHost): string[] {
  return ['dovecot', '-c', l[h].dovecotConfig];
}
