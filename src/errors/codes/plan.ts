// Problem codes of the plan area (sources, guards, saved plans). See ../catalog.ts.
import type { CatalogEntry } from '../catalog.ts';

export const planCodes: Record<string, CatalogEntry> = {
  SOURCE_UNREADABLE: {
    severity: 'error',
    title: 'certificate source could not be read',
    hint: 'Check the path, the source host and its permissions; nothing is planned for this certificate.',
  },
  SOURCE_INVALID: {
    severity: 'error',
    title: 'certificate source holds no usable PEM certificate and key',
    hint: 'The source must hold a leaf certificate (then its chain) and exactly one private key.',
  },
  SOURCE_UNSUPPORTED: {
    severity: 'error',
    title: 'certificate source type not implemented',
    hint: 'Use a `files` or `remote` source for now.',
  },
  SOURCE_MISSING: {
    severity: 'error',
    title: 'certificate has no source for a key algorithm a service serves',
    hint: 'Add a source for this algorithm under the certificate, or remove the file set.',
  },
  SOURCE_ALGORITHM: {
    severity: 'error',
    title: 'source key algorithm differs from the inventory',
    hint: 'The certificate lists one key algorithm; the source delivered another.',
  },
  CERT_EXPIRING: {
    severity: 'warning',
    title: 'source certificate expires soon',
    hint: 'Renew it at the source; mailtls deploys what the source holds.',
  },
  GUARD_DANE_GAP: {
    severity: 'error',
    title: 'dane-gap: a new key would be served before its TLSA record is published and validated',
    hint: 'Run `mailtls tlsa publish` (it adds the record(s) shown on every authoritative server), wait the hold time (`mailtls tlsa status` says until when), then plan again. Never allowable.',
  },
  GUARD_DANE_UNVALIDATED: {
    severity: 'error',
    title: 'dane-unvalidated: the TLSA answer is not DNSSEC-validated or the authoritative servers disagree',
    hint: 'Check DNSSEC signing and zone transfers; `--allow dane-unvalidated` to plan anyway.',
  },
  GUARD_KEY_MISMATCH: {
    severity: 'error',
    title: 'key-mismatch: the private key does not belong to the certificate',
    hint: 'Fix the source so key and certificate belong together. Never allowable.',
  },
  GUARD_NAMES_NOT_COVERED: {
    severity: 'error',
    title: 'names-not-covered: the certificate does not cover every name the inventory asks for',
    hint: 'Reissue with the missing names, or `--allow names-not-covered`.',
  },
  GUARD_EXPIRED: {
    severity: 'error',
    title: 'expired: the certificate to deploy has expired',
    hint: 'Renew at the source, or `--allow expired` (DANE-EE senders ignore dates).',
  },
  GUARD_NOT_YET_VALID: {
    severity: 'error',
    title: 'not-yet-valid: the certificate to deploy is not valid yet',
    hint: 'Check the clocks, wait, or `--allow not-yet-valid`.',
  },
  GUARD_CHAIN_ORDER: {
    severity: 'error',
    title: 'chain-order: the chain is not leaf first, each certificate issued by the next',
    hint: 'Fix the order at the source, or `--allow chain-order`.',
  },
  GUARD_DOWNGRADE: {
    severity: 'error',
    title: 'downgrade: the new certificate expires earlier than the one served',
    hint: 'Check the source is not stale, or `--allow downgrade`.',
  },
  GUARD_UNREACHABLE_HOST: {
    severity: 'error',
    title: 'unreachable-host: a host could not be reached; the plan is partial',
    hint: 'Fix the connection, exclude the host with `--exclude`, or `--allow unreachable-host`.',
  },
  TLSA_RECORD_UNSAFE: {
    severity: 'error',
    title: 'a TLSA record the safety rules forbid (PKIX usage on port 25, wrong digest length, digest of empty input, parameters mailtls cannot compute)',
    hint: 'Nothing was published. Fix the key or the inventory (mailtls publishes 3 1 1 records only).',
  },
  TLSA_RRSET_TOO_LARGE: {
    severity: 'error',
    title: 'the TLSA RRset would hold more than 12 records',
    hint: 'Some senders cannot process larger RRsets; retire records of keys no longer served first (`mailtls tlsa retire`).',
  },
  TLSA_RETIRE_UNPROBED: {
    severity: 'error',
    title: 'a TLSA record cannot be retired: an endpoint of its name could not be probed',
    hint: 'Nothing was removed. Make every endpoint answer (or fix the inventory), then retire again.',
  },
  TLSA_RETIRE_LAST: {
    severity: 'error',
    title: 'retiring would remove the last TLSA record of a served key or of the name',
    hint: 'Nothing was removed. Publish the served key first: `mailtls tlsa publish`.',
  },
  TLSA_DESIRED_UNKNOWN: {
    severity: 'error',
    title: 'the desired keys could not be read, so the TLSA records to keep are unknown',
    hint: 'Nothing was changed in DNS. Fix the certificate source problems shown, then run again.',
  },
  TLSA_NO_PROVIDER: {
    severity: 'error',
    title: 'the zone has no DNS provider that can publish TLSA records',
    hint: 'Declare the zone under dns.zones with a provider that supports TLSA (rfc2136).',
  },
  ALLOW_UNKNOWN: {
    severity: 'error',
    title: '--allow names a guard that does not exist',
    hint: 'Guards: dane-gap, dane-unvalidated, key-mismatch, names-not-covered, expired, not-yet-valid, chain-order, downgrade, unreachable-host.',
  },
  ALLOW_REFUSED: {
    severity: 'error',
    title: '--allow names a guard that can never be allowed',
    hint: 'dane-gap and key-mismatch protect mail delivery and the service itself; fix the cause instead.',
  },
  PLAN_FILE_INVALID: {
    severity: 'error',
    title: 'saved plan file is not a valid mailtls plan',
    hint: 'Make a new one with `mailtls plan --out FILE`.',
  },
  PLAN_STALE: {
    severity: 'error',
    title: 'saved plan no longer matches the world',
    hint: 'Something changed since the plan was made; run `mailtls plan` again and review it.',
  },
};
