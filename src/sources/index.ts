// The source registry: an explicit name → plugin map (a test keeps it equal to the folders).
// `acme` is part of the inventory's source types but comes in a later step.
import { problem } from '../errors/catalog.ts';
import type { Certificate, CertSourceSpec, KeyAlgorithm } from '../inventory/types.ts';
import { filesSource } from './files/index.ts';
import { remoteSource } from './remote/index.ts';
import type { CertSource, LoadResult, SourceContext } from './types.ts';

export const sources: ReadonlyMap<string, CertSource> = new Map<string, CertSource>([
  ['files', filesSource as CertSource],
  ['remote', remoteSource as CertSource],
]);

export async function loadSource(cert: Certificate, algorithm: KeyAlgorithm, ctx: SourceContext): Promise<LoadResult> {
  const spec: CertSourceSpec | undefined = cert.sources[algorithm];
  if (!spec) {
    return { ok: false, problems: [problem('SOURCE_MISSING', `certificate ${cert.name} has no source for ${algorithm}`, cert.loc)] };
  }
  const src = sources.get(spec.type);
  if (!src) {
    return {
      ok: false,
      problems: [problem('SOURCE_UNSUPPORTED', `certificate ${cert.name}: source type ${spec.type} is not implemented yet`, spec.loc)],
    };
  }
  return src.load(spec, cert, algorithm, ctx);
}

export type { CertMaterial, CertSource, LoadResult, MaterialCheck, SourceContext } from './types.ts';
