// Postfix: files under /etc/postfix/certs (certctl connector defaults), `postfix check` before
// `postfix reload`, RSA and ECDSA side by side (smtpd_tls_cert_file / smtpd_tls_eccert_file).
import type { Mode } from '../types.ts';
import { filesIn, rootOwnership } from '../types.ts';

export const postfix: Mode = {
  name: 'postfix',
  description: 'Postfix MTA: SMTP on 25 (STARTTLS, DANE), 465 (implicit TLS), 587 (STARTTLS)',
  baseDir: '/etc/postfix',
  algorithms: ['rsa', 'ecdsa', 'ed25519'],
  maxKeys: 3,
  defaultFiles: (baseDir, algorithms) => filesIn(`${baseDir}/certs`, algorithms),
  ownership: rootOwnership,
  replaceSymlinks: false,
  validate: () => [['postfix', 'check']],
  reload: () => [['postfix', 'reload']],
  endpoints: [
    { port: 25, starttls: 'smtp', dane: true },
    { port: 465, dane: false },
    { port: 587, starttls: 'smtp', dane: false },
  ],
};
