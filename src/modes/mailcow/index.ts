// mailcow-dockerized "bring your own certificate": data/assets/ssl/cert.pem + key.pem as real
// copies (the containers cannot follow symlinks out of the volume), then reload the postfix,
// dovecot and nginx containers. One key only; the chain goes into cert.pem.
import type { Mode } from '../types.ts';
import { rootOwnership } from '../types.ts';

const compose = (baseDir: string, service: string, ...cmd: string[]): string[] => [
  'docker', 'compose', '--project-directory', baseDir, '-f', `${baseDir}/docker-compose.yml`, 'exec', '-T', service, ...cmd,
];

export const mailcow: Mode = {
  name: 'mailcow',
  description: 'mailcow-dockerized: Postfix, Dovecot, ManageSieve and the web UI behind one certificate',
  baseDir: '/opt/mailcow-dockerized',
  algorithms: ['rsa', 'ecdsa'],
  maxKeys: 1,
  defaultFiles: (baseDir, algorithms) =>
    Object.fromEntries(algorithms.map((alg) => [alg, { cert: `${baseDir}/data/assets/ssl/cert.pem`, key: `${baseDir}/data/assets/ssl/key.pem` }])),
  ownership: rootOwnership,
  replaceSymlinks: true,
  validate: () => [],
  reload: (baseDir) => [
    compose(baseDir, 'postfix-mailcow', 'postfix', 'reload'),
    compose(baseDir, 'dovecot-mailcow', 'doveadm', 'reload'),
    compose(baseDir, 'nginx-mailcow', 'nginx', '-s', 'reload'),
  ],
  endpoints: [
    { port: 25, starttls: 'smtp', dane: true },
    { port: 465, dane: false },
    { port: 587, starttls: 'smtp', dane: false },
    { port: 993, dane: false },
    { port: 995, dane: false },
    { port: 4190, starttls: 'sieve', dane: false },
    { port: 443, dane: false },
  ],
};
