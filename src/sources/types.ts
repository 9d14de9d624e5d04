// A certificate source says where the desired material comes from (`files`, `remote`, later
// `acme`). It yields cert, chain and key bytes in memory plus their facts; the key never leaves
// memory. A source's identity is its fingerprint: an unchanged source means nothing to do.
import type { Problem } from '../errors/problem.ts';
import type { Certificate, CertSourceSpec, KeyAlgorithm, SecretRef } from '../inventory/types.ts';
import type { CertFacts, KeyFacts } from '../state/types.ts';
import type { HostSession } from '../transport/types.ts';

/** What the pre-flight checks found; guards turn it into problems. */
export interface MaterialCheck {
  keyMatchesCert: boolean;
  chainInOrder: boolean;
  /** Inventory names the leaf does not cover. */
  missingNames: string[];
  expired: boolean;
  notYetValid: boolean;
}

export interface CertMaterial {
  certificate: string;
  algorithm: KeyAlgorithm;
  /** PEM of the leaf only. */
  leafPem: string;
  /** PEM of the intermediates in the order given ('' when none). */
  chainPem: string;
  /** PEM of the private key. Memory only: non-enumerable, never serialised. */
  readonly keyPem: string;
  leaf: CertFacts;
  chain: CertFacts[];
  key: KeyFacts;
  /** sha256 over leaf DER, chain DER, key SPKI. */
  fingerprint: string;
  /** Human description of where it was read from (paths, never contents). */
  origin: string;
  check: MaterialCheck;
}

export interface SourceContext {
  now: Date;
  /** Opens (or reuses) a session to an inventory host, for `remote`. */
  session(host: string): Promise<HostSession>;
  /** Reads a secret (key file or env var). Default: process env and local files. */
  readSecret?(ref: SecretRef): Promise<string>;
  /** Base directory for relative `files` paths (the inventory's directory). */
  baseDir: string;
}

export type LoadResult = { ok: true; material: CertMaterial } | { ok: false; problems: Problem[] };

export interface CertSource<S extends CertSourceSpec = CertSourceSpec> {
  type: S['type'];
  /** Reads the material for one certificate × algorithm. Never writes anything. */
  load(spec: S, cert: Certificate, algorithm: KeyAlgorithm, ctx: SourceContext): Promise<LoadResult>;
}
