import * as assert from 'uvu/assert';
import { suite } from '../../helpers/suite.ts';
import { probeRequestsFor } from '../../../src/probe/tls/index.ts';
import type { Host, Service } from '../../../src/inventory/types.ts';

const t = suite('probe requests for a service');
const loc = { file: 'hosts.yaml', line: 1, column: 1 };

function service(files: Service['files']): Service {
  return {
    name: 'postfix', host: 'mx1', mode: 'postfix', certificate: 'mail', files,
    ownership: { owner: 'root', group: 'root', certMode: '0644', keyMode: '0600' },
    replaceSymlinks: false, validate: [], reload: [], loc,
    endpoints: [
      { port: 25, starttls: 'smtp', sni: 'mx1.example.org', dane: true, addresses: [], loc },
      { port: 465, sni: 'mx1.example.org', dane: false, addresses: ['192.0.2.1'], loc },
    ],
  };
}
const host = (s: Service): Host => ({ name: 'mx1', addresses: ['192.0.2.1', '2001:db8::1'], services: [s], loc, ssh: { port: 22, user: 'root', hostKeys: [], sudo: false, connectTimeoutMs: 1000, loc } });

t('every endpoint × address × algorithm, each algorithm forced', () => {
  const s = service({ rsa: { cert: 'r.pem', key: 'r.key' }, ecdsa: { cert: 'e.pem', key: 'e.key' } });
  const reqs = probeRequestsFor(host(s), s, 3000);
  assert.equal(reqs.map((r) => `${r.address}:${r.port}/${r.starttls ?? '-'}/${r.algorithm}`), [
    '192.0.2.1:25/smtp/ecdsa', '192.0.2.1:25/smtp/rsa', '2001:db8::1:25/smtp/ecdsa', '2001:db8::1:25/smtp/rsa',
    '192.0.2.1:465/-/ecdsa', '192.0.2.1:465/-/rsa',
  ]);
  assert.ok(reqs.every((r) => r.host === 'mx1' && r.service === 'postfix' && r.sni === 'mx1.example.org' && r.timeoutMs === 3000));
});

t('a service without file sets probes without forcing', () => {
  const s = service({});
  const reqs = probeRequestsFor(host(s), s);
  assert.is(reqs.length, 3);
  assert.ok(reqs.every((r) => r.algorithm === undefined && r.timeoutMs === undefined));
});

t.run();
