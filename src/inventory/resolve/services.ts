// Services: the user's values where given, the mode's defaults everywhere else (recorded in
// `defaulted` so `validate --resolved` can show them).
import type { Certificate, Defaulted, Endpoint, FileSet, KeyAlgorithm, Service, Zone } from '../types.ts';
import type { RawFileSet, RawService } from '../raw.ts';
import type { Path } from '../yaml-source.ts';
import { getMode, modes } from '../../modes/index.ts';
import type { Mode } from '../../modes/index.ts';
import { didYouMean } from '../did-you-mean.ts';
import type { Ctx } from './context.ts';
import { at, checkAbsolute, report } from './context.ts';
import { checkCommands, normalizeCommands } from './commands.ts';
import { zoneFor } from './zones.ts';

const ALGS: KeyAlgorithm[] = ['rsa', 'ecdsa', 'ed25519'];

export interface ServiceInputs {
  hostName: string;
  addresses: string[];
  certificates: Map<string, Certificate>;
  zones: Zone[];
}

export function resolveService(ctx: Ctx, name: string, s: RawService, inp: ServiceInputs): Service | undefined {
  const path: Path = ['hosts', inp.hostName, 'services', name];
  const mode = getMode(s.mode);
  if (!mode) {
    report(ctx, 'UNKNOWN_MODE', `unknown mode "${s.mode}"${didYouMean(s.mode, Object.keys(modes))} (known: ${Object.keys(modes).join(', ')})`, [...path, 'mode']);
    return undefined;
  }
  const defaulted: Defaulted = {};
  const dflt = <T>(field: string, user: T | undefined, fallback: T): T => {
    if (user !== undefined) return user;
    defaulted[field] = mode.name;
    return fallback;
  };
  const cert = inp.certificates.get(s.certificate);
  if (!cert) {
    report(ctx, 'UNKNOWN_CERTIFICATE', `certificate "${s.certificate}" is not declared under certificates${didYouMean(s.certificate, inp.certificates.keys())}`, [...path, 'certificate']);
  }
  let algorithms = cert ? cert.keys.map((k) => k.algorithm) : ['ecdsa' as const];
  if (cert && algorithms.length > mode.maxKeys) {
    report(ctx, 'TOO_MANY_KEYS', `mode ${mode.name} serves ${mode.maxKeys === 1 ? 'one key' : `at most ${mode.maxKeys} keys`}, but certificate ${cert.name} has ${algorithms.length} (${algorithms.join(', ')})`, [...path, 'certificate']);
    algorithms = algorithms.slice(0, mode.maxKeys); // keep checking the rest without echo problems
  }
  const unsupported = cert ? algorithms.filter((a) => !mode.algorithms.includes(a)) : [];
  if (unsupported.length) {
    report(ctx, 'ALGORITHM_MISMATCH', `mode ${mode.name} cannot serve ${unsupported.join(', ')} keys (it serves ${mode.algorithms.join(', ')})`, [...path, 'certificate']);
  }
  const baseDir = dflt('base_dir', s.base_dir, mode.baseDir);
  checkAbsolute(ctx, s.base_dir, [...path, 'base_dir'], 'base_dir');
  const files = s.files === undefined ? ((defaulted.files = mode.name), mode.defaultFiles(baseDir, algorithms)) : userFiles(ctx, s, algorithms, cert, [...path, 'files']);

  checkCommands(ctx, s.validate, [...path, 'validate']);
  checkCommands(ctx, s.reload, [...path, 'reload']);
  const service: Service = {
    name,
    host: inp.hostName,
    mode: mode.name,
    certificate: s.certificate,
    files,
    ownership: {
      owner: dflt('owner', s.owner, mode.ownership.owner),
      group: dflt('group', s.group, mode.ownership.group),
      certMode: dflt('cert_mode', s.cert_mode, mode.ownership.certMode),
      keyMode: dflt('key_mode', s.key_mode, mode.ownership.keyMode),
    },
    replaceSymlinks: dflt('replace_symlinks', s.replace_symlinks, mode.replaceSymlinks),
    validate: s.validate ? normalizeCommands(s.validate) : dflt('validate', undefined, mode.validate(baseDir)),
    reload: s.reload ? normalizeCommands(s.reload) : dflt('reload', undefined, mode.reload(baseDir)),
    endpoints: [],
    baseDir,
    defaulted,
    loc: at(ctx, path),
  };
  service.endpoints = s.endpoints === undefined
    ? ((defaulted.endpoints = mode.name), mode.endpoints.map((e) => endpoint(ctx, mode, {}, e.port, inp, cert, path)))
    : s.endpoints.map((e, i) => endpoint(ctx, mode, e, e.port, inp, cert, [...path, 'endpoints', i]));
  return service;
}

function userFiles(ctx: Ctx, s: RawService, algorithms: KeyAlgorithm[], cert: Certificate | undefined, path: Path): Partial<Record<KeyAlgorithm, FileSet>> {
  const raw = s.files!;
  const perAlg = ALGS.some((a) => a in raw);
  const out: Partial<Record<KeyAlgorithm, FileSet>> = {};
  const take = (alg: KeyAlgorithm, f: RawFileSet, p: Path) => {
    if (!f.cert || !f.key) {
      report(ctx, 'MISSING_KEY', `files${perAlg ? `.${alg}` : ''} needs both "cert" and "key"${f.cert ? '' : ' (cert is missing)'}${f.key ? '' : ' (key is missing)'}`, p);
    }
    for (const k of ['cert', 'key', 'chain'] as const) checkAbsolute(ctx, f[k], [...p, k], `files ${k}`);
    const set: FileSet = { cert: f.cert ?? '', key: f.key ?? '' };
    if (f.chain) set.chain = f.chain;
    out[alg] = set;
  };
  if (!perAlg) {
    if (cert && algorithms.length > 1) {
      report(ctx, 'ALGORITHM_MISMATCH', `certificate ${cert.name} has ${algorithms.length} keys (${algorithms.join(', ')}): give files per algorithm, e.g. files: {${algorithms.map((a) => `${a}: {cert, key}`).join(', ')}}`, path);
    }
    take(algorithms[0]!, raw as RawFileSet, path);
    return out;
  }
  for (const [alg, f] of Object.entries(raw) as [KeyAlgorithm, RawFileSet][]) {
    if (cert && !algorithms.includes(alg)) {
      report(ctx, 'ALGORITHM_MISMATCH', `files.${alg} is set but certificate ${cert.name} has no ${alg} key (keys: ${algorithms.join(', ')})`, [...path, alg]);
      continue;
    }
    take(alg, f, [...path, alg]);
  }
  return out;
}

function endpoint(
  ctx: Ctx,
  mode: Mode,
  e: Partial<{ starttls: string; sni: string; dane: boolean; addresses: string[] }>,
  port: number,
  inp: ServiceInputs,
  cert: Certificate | undefined,
  path: Path,
): Endpoint {
  const defaulted: Defaulted = {};
  const known = mode.endpoints.find((m) => m.port === port);
  let starttls = e.starttls;
  if (starttls === undefined && known?.starttls) [starttls, defaulted.starttls] = [known.starttls, mode.name];
  else if (starttls === undefined) defaulted.starttls = 'default (implicit TLS)';
  // The first name that is not a wildcard: a wildcard cannot be sent as SNI.
  const certName = cert?.names.find((n) => !n.startsWith('*.'));
  if (e.sni === undefined && cert && !certName) {
    report(ctx, 'MISSING_KEY', `certificate ${cert.name} has only wildcard names; give this endpoint an sni`, path);
  }
  const sni = e.sni ?? ((defaulted.sni = 'certificate'), certName ?? cert?.names[0] ?? inp.hostName);
  let dane = e.dane;
  if (dane === undefined) {
    dane = !!known?.dane && !!zoneFor(inp.zones, sni);
    defaulted.dane = known ? `${mode.name}${known.dane && !dane ? ', no dns zone for the name' : ''}` : 'default';
  }
  const ep: Endpoint = {
    port,
    sni,
    dane,
    addresses: e.addresses ?? ((defaulted.addresses = 'host'), inp.addresses),
    defaulted,
    loc: at(ctx, path),
  };
  if (starttls && starttls !== 'none') ep.starttls = starttls as Endpoint['starttls'];
  return ep;
}
