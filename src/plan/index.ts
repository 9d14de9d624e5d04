// The plan engine's API, for the CLI verbs (`plan`, `show`) and for `apply`.
export type * from './types.ts';
export { PLAN_FORMAT_VERSION, PHASE } from './types.ts';
export { loadMaterials, materialKey, type MaterialMap } from './materials.ts';
export { buildDesired, type DesiredInput } from './desired.ts';
export { diff, orderChanges } from './diff.ts';
export { guards, runGuards, checkAllow, type Guard, type GuardContext } from './guards/index.ts';
export { makePlan, planBlocked, summarize, type MakePlanInput } from './make-plan.ts';
export { planHash } from './plan-hash.ts';
export { desiredFingerprints, observedFingerprints } from './observed.ts';
export { readGitInfo, type GitInfo } from './git-info.ts';
export { readPlanFile, writePlanFile, validatePlan, planToJson, comparePlanToLive, describeDifferences } from './saved.ts';
export { renderText, type TextOptions } from './render/text.ts';
export { renderMarkdown, PLAN_MARKER, COMMENT_LIMIT } from './render/markdown.ts';
export { renderJson } from './render/json.ts';
export { summaryLine } from './render/common.ts';
export { selectHosts, type HostSelection } from './select.ts';

import type { Inventory } from '../inventory/types.ts';
import type { Live } from '../state/types.ts';
import type { SourceContext } from '../sources/types.ts';
import { loadMaterials } from './materials.ts';
import { buildDesired } from './desired.ts';
import type { Desired } from './types.ts';

/** Reads every source the included hosts need and builds Desired (reads only, writes nothing). */
export async function resolveDesired(inventory: Inventory, ctx: SourceContext, live?: Live, hosts?: ReadonlySet<string>): Promise<Desired> {
  const { materials, problems } = await loadMaterials(inventory, ctx, hosts);
  return buildDesired({ inventory, materials, live, hosts, problems });
}
