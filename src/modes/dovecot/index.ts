// Dovecot: files under /etc/dovecot/certs, `doveconf -n` before `doveadm reload`; one main and
// one alternative key (ssl_cert / ssl_alt_cert).
import type { Mode } from '../types.ts';
import { filesIn, rootOwnership } from '../types.ts';

export const dovecot: Mode = {
  name: 'dovecot',
  description: 'Dovecot IMAP/POP3: 993 and 995 (implicit TLS), 143 (IMAP STARTTLS)',
  baseDir: '/etc/dovecot',
  algorithms: ['rsa', 'ecdsa', 'ed25519'],
  maxKeys: 2,
  defaultFiles: (baseDir, algorithms) => filesIn(`${baseDir}/certs`, algorithms),
  ownership: rootOwnership,
  replaceSymlinks: false,
  validate: () => [['doveconf', '-n']],
  reload: () => [['doveadm', 'reload']],
  endpoints: [
    { port: 993, dane: false },
    { port: 995, dane: false },
    { port: 143, starttls: 'imap', dane: false },
  ],
};
