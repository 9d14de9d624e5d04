// Saved plan files: JSON validated against schemas/plan.schema.json, with the observed and
// desired fingerprints and the plan hash; never any material (checked again before writing).
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { MailtlsError, problem } from '../errors/catalog.ts';
import { containsPrivateKeyMaterial } from '../pki/index.ts';
import type { Plan, PlanDifference } from './types.ts';
import { planHash } from './plan-hash.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as object;
// Compiled on first use: every verb imports this module, few need the validator.
let compiled: ValidateFunction | undefined;
const validator = (): ValidateFunction => (compiled ??= new Ajv2020({ allErrors: true, strict: true }).compile(schema));

export function planToJson(plan: Plan): string {
  const text = `${JSON.stringify(plan, null, 2)}\n`;
  // Defence in depth: the types keep material out; this refuses to write it if a bug let it in.
  if (containsPrivateKeyMaterial(text)) throw new Error('refusing to serialise a plan that contains private key material');
  return text;
}

export function validatePlan(data: unknown): string[] {
  const validate = validator();
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
}

export async function writePlanFile(path: string, plan: Plan): Promise<void> {
  const errors = validatePlan(JSON.parse(planToJson(plan)));
  if (errors.length) throw new Error(`plan does not match its schema: ${errors.join('; ')}`);
  await writeFile(path, planToJson(plan), { mode: 0o644 });
}

/** Reads and validates a saved plan; a broken, foreign or tampered file is PLAN_FILE_INVALID. */
export async function readPlanFile(path: string): Promise<Plan> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new MailtlsError([problem('PLAN_FILE_INVALID', `${path}: ${(err as NodeJS.ErrnoException).code ?? 'not JSON'}`)]);
  }
  const errors = validatePlan(data);
  if (errors.length) throw new MailtlsError([problem('PLAN_FILE_INVALID', `${path}: ${errors.slice(0, 5).join('; ')}`)]);
  const plan = data as Plan;
  if (planHash(plan.changes) !== plan.plan_hash) {
    throw new MailtlsError([problem('PLAN_FILE_INVALID', `${path}: plan_hash does not match its changes (edited by hand?)`)]);
  }
  return plan;
}

function mapDiff(kind: PlanDifference['kind'], saved: Record<string, string>, fresh: Record<string, string>): PlanDifference[] {
  const out: PlanDifference[] = [];
  for (const key of [...new Set([...Object.keys(saved), ...Object.keys(fresh)])].sort()) {
    if (saved[key] !== fresh[key]) out.push({ kind, key, saved: saved[key], fresh: fresh[key] });
  }
  return out;
}

/**
 * What differs between a saved plan and a plan made now from a fresh gather: the inventory,
 * any observed fact, any desired fingerprint, or the change set. Empty means still valid.
 */
export function comparePlanToLive(saved: Plan, fresh: Plan): PlanDifference[] {
  const out: PlanDifference[] = [];
  if (saved.inventory.sha256 !== fresh.inventory.sha256) {
    out.push({ kind: 'inventory', key: saved.inventory.path, saved: saved.inventory.sha256, fresh: fresh.inventory.sha256 });
  }
  out.push(...mapDiff('observed', saved.observed, fresh.observed));
  out.push(...mapDiff('desired', saved.desired_fingerprints, fresh.desired_fingerprints));
  if (saved.plan_hash !== fresh.plan_hash) out.push({ kind: 'changes', key: 'plan_hash', saved: saved.plan_hash, fresh: fresh.plan_hash });
  return out;
}

/** One line per difference, for the exit-3 message. */
export function describeDifferences(diffs: PlanDifference[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key}: ${d.saved ?? '(absent)'} -> ${d.fresh ?? '(absent)'}`);
}
