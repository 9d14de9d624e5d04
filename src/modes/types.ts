// A mode is what mailtls knows about one kind of daemon: where it keeps certificates, how to
// check and reload it, and where it serves TLS. Modes are data plus small hooks; the loader
// applies them where the inventory leaves a value out.
import type { FileOwnership, FileSet, KeyAlgorithm, StartTls } from '../inventory/types.ts';

export interface ModeEndpoint {
  port: number;
  /** Absent: implicit TLS. */
  starttls?: StartTls;
  /** DANE-protected by default (when a DNS zone covers the name). */
  dane: boolean;
}

export interface Mode {
  /** The registry key and the `mode:` value, equal to the folder name. */
  name: string;
  /** One line for `--help` and docs. */
  description: string;
  /** Absolute directory the default paths and commands are built from (`base_dir`). */
  baseDir: string;
  /** Key algorithms the daemon can serve side by side (Postfix: RSA + ECDSA). */
  algorithms: readonly KeyAlgorithm[];
  /** How many of them at once. */
  maxKeys: number;
  /** Default file set(s) for the algorithms the certificate has. */
  defaultFiles(baseDir: string, algorithms: KeyAlgorithm[]): Partial<Record<KeyAlgorithm, FileSet>>;
  ownership: FileOwnership;
  /** Write real files over symlinks (the daemon cannot follow them, e.g. into a container). */
  replaceSymlinks: boolean;
  /** The daemon's own configuration check, run before reload. */
  validate(baseDir: string): string[][];
  reload(baseDir: string): string[][];
  endpoints: readonly ModeEndpoint[];
}

/** Standard Unix ownership and modes for certificate files. */
export const rootOwnership: FileOwnership = { owner: 'root', group: 'root', certMode: '0644', keyMode: '0600' };

/** `dir/cert.pem` + `dir/key.pem` for one algorithm; `dir/rsa-cert.pem`… when there are several. */
export function filesIn(dir: string, algorithms: KeyAlgorithm[]): Partial<Record<KeyAlgorithm, FileSet>> {
  const out: Partial<Record<KeyAlgorithm, FileSet>> = {};
  for (const alg of algorithms) {
    const prefix = algorithms.length > 1 ? `${alg}-` : '';
    out[alg] = { cert: `${dir}/${prefix}cert.pem`, key: `${dir}/${prefix}key.pem` };
  }
  return out;
}
