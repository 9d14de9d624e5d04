// JSON for machines: the Plan itself (it carries `format_version`), pretty-printed, refused if
// it ever contained key material.
import type { Plan } from '../types.ts';
import { planToJson } from '../saved.ts';

export function renderJson(plan: Plan): string {
  return planToJson(plan);
}
