// Issues a certificate from pebble through DNS-01 against the lab DNS: acme-client's manual flow
// with our own key; the challenge TXT goes into lab.test with a TSIG-signed update (knsupdate,
// script on stdin, never the secret in argv).
import { readFileSync, existsSync } from 'node:fs';
import { Agent } from 'node:https';
import * as acme from 'acme-client';
import { ADDR, ZONE, layout, pebbleDirectoryUrl } from './layout.ts';
import type { Layout } from './layout.ts';
import { newEcKeyPem, writeFileMode } from './keys.ts';
import { runOk } from './run.ts';

/** Sends one dynamic update (knsupdate script lines) to ns1, signed with the lab's TSIG key. */
export async function dnsUpdate(lines: string[], zone = ZONE, l: Layout = layout()): Promise<void> {
  const script = [`server ${ADDR.ns1} 53`, `zone ${zone}.`, ...lines, 'send', 'quit', ''].join('\n');
  await runOk(['knsupdate', '-k', l.dns.tsigKnsupdate], { input: script, timeoutMs: 15_000 });
}

function txt(name: string, value: string, op: 'add' | 'delete'): string {
  return op === 'add' ? `update add ${name}. 10 TXT "${value}"` : `update delete ${name}. TXT "${value}"`;
}

let configured = false;
function trustPebble(l: Layout): void {
  if (configured) return;
  const defaults = acme.axios.defaults as unknown as { httpsAgent?: Agent; acmeSettings?: { retryMaxAttempts: number } };
  defaults.httpsAgent = new Agent({ ca: readFileSync(l.pebble.caCert) });
  // A network error otherwise surfaces only after ~75 s of retries.
  if (defaults.acmeSettings) defaults.acmeSettings.retryMaxAttempts = 3;
  configured = true;
}

/** The lab's ACME account key (made once; pebble forgets accounts on restart, so we re-register). */
function accountKey(l: Layout): string {
  if (!existsSync(l.pebble.accountKey)) writeFileMode(l.pebble.accountKey, newEcKeyPem(), 0o600);
  return readFileSync(l.pebble.accountKey, 'utf8');
}

export interface Issued {
  /** Leaf certificate PEM. */
  cert: string;
  /** Intermediate(s) PEM. */
  chain: string;
  /** Leaf followed by the chain. */
  fullchain: string;
}

/**
 * Registers (or finds) the lab account. For a key pebble already knows, acme-client follows the
 * 200 with an "update" that pebble rejects as empty; the account URL is known by then, so that
 * error is harmless.
 */
async function register(client: acme.Client): Promise<void> {
  try {
    await client.createAccount({ termsOfServiceAgreed: true });
  } catch (err) {
    if (!/POST-as-GET/.test(String((err as Error).message))) throw err;
    client.getAccountUrl(); // throws when registration really failed
  }
}

/** Orders, proves (DNS-01) and downloads a certificate for `names`, for the given key. */
export async function issueFromPebble(names: string[], keyPem: string, l: Layout = layout()): Promise<Issued> {
  trustPebble(l);
  const client = new acme.Client({ directoryUrl: pebbleDirectoryUrl(), accountKey: accountKey(l) });
  await register(client);
  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: 'dns', value })) });
  const authzs = await client.getAuthorizations(order);
  for (const authz of authzs) {
    if (authz.status === 'valid') continue; // pebble reuses authorizations now and then
    const challenge = authz.challenges.find((c) => c.type === 'dns-01');
    if (!challenge) throw new Error(`pebble offered no dns-01 challenge for ${authz.identifier.value}`);
    const value = await client.getChallengeKeyAuthorization(challenge);
    const name = `_acme-challenge.${authz.identifier.value}`;
    await dnsUpdate([txt(name, value, 'add')], ZONE, l);
    try {
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    } finally {
      await dnsUpdate([txt(name, value, 'delete')], ZONE, l).catch(() => undefined);
    }
  }
  const [, csr] = await acme.crypto.createCsr({ altNames: [...names] }, keyPem);
  const finalized = await client.finalizeOrder(order, csr);
  const fullchain = await client.getCertificate(finalized);
  const pems = fullchain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g) ?? [];
  if (pems.length < 2) throw new Error('pebble returned no chain');
  const norm = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  const cert = norm(pems[0]!);
  const chain = pems.slice(1).map(norm).join('');
  return { cert, chain, fullchain: cert + chain };
}
