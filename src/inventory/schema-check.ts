// Validates the parsed document against schemas/hosts.schema.json and turns ajv's errors into
// located, readable problems (ajv reports JSON pointers, never lines: libs.md §7).
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type { Problem } from '../errors/problem.ts';
import { problem } from '../errors/catalog.ts';
import { locate, rawScalar, showPath } from './yaml-source.ts';
import type { Path, YamlSource } from './yaml-source.ts';
import { didYouMean } from './did-you-mean.ts';

export const SCHEMA_PATH = new URL('../../schemas/hosts.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;
let defs: Record<string, unknown> = {};
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: Record<string, unknown> };
    defs = schema.$defs;
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
    ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

export function schemaProblems(src: YamlSource, data: unknown): Problem[] {
  const validate = validator();
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const err of validate.errors ?? []) {
    const p = toProblem(src, err);
    if (!p) continue;
    // One MISSING_KEY per object, however many keys made ajv notice it.
    const id = p.code === 'MISSING_KEY' ? `${p.code} ${err.instancePath} ${p.message.split(';')[0]}` : `${p.code} ${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

function pathOf(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const typeNames: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', object: 'a map', array: 'a list', null: 'empty' };

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  return `"${String(value)}"`;
}

function toProblem(src: YamlSource, err: ErrorObject): Problem | undefined {
  const path = pathOf(err.instancePath);
  const at = showPath(path);
  const parent = (err.parentSchema ?? {}) as Record<string, unknown>;
  // Which named definition failed: ajv's schemaPath is relative once a $ref is compiled apart.
  const isDef = (name: string) => err.parentSchema === defs[name] || err.schemaPath.includes(`$defs/${name}/`);
  const isSecret = isDef('secretRef');
  const where = locate(src, path);
  switch (err.keyword) {
    case 'if':
      return undefined; // always accompanied by the error of the branch that failed
    case 'type': {
      const want = ([] as string[]).concat(err.params.type as string | string[]);
      if (isDef('fileMode') && typeof err.data === 'number') {
        const raw = rawScalar(src, path) ?? String(err.data);
        const key = String(path[path.length - 1]);
        const digits = raw.replace(/^0o/, '0').padStart(4, '0');
        return problem('MODE_NOT_QUOTED', `${key}: ${raw} is read as the number ${err.data}; quote it: ${key}: "${digits}"`, where);
      }
      if ((isDef('commands') || isDef('argv')) && typeof err.data === 'string') {
        const argv = JSON.stringify(err.data.trim().split(/\s+/));
        return problem('SHELL_STRING', `${at} is a shell string; commands run without a shell, write an argv array: ${at.split('.').pop()}: ${argv}`, where);
      }
      const shown = isSecret ? (Array.isArray(err.data) ? 'a list' : typeof err.data === 'object' ? 'a map' : 'a bare value') : describe(err.data);
      const yaml11 = want.includes('boolean') && typeof err.data === 'string' && /^(yes|no|on|off|y|n)$/i.test(err.data) ? ' (YAML 1.2 reads yes/no/on/off as strings)' : '';
      return problem('WRONG_TYPE', `${at} must be ${want.map((t) => typeNames[t] ?? t).join(' or ')}, not ${shown}${yaml11}`, where);
    }
    case 'required': {
      const missing = String(err.params.missingProperty);
      const what = path.length ? `${at} is missing` : 'the inventory is missing';
      return problem('MISSING_KEY', `${what} required key "${missing}"`, locate(src, path, { key: true }));
    }
    case 'additionalProperties': {
      const key = String(err.params.additionalProperty);
      const loc = locate(src, [...path, key], { key: true });
      if (typeof parent['x-expected'] === 'string') {
        return problem('MISSING_KEY', `${at} ${parent['x-expected']}; "${key}" is not valid here`, locate(src, path, { key: true }));
      }
      if (key === '<<') {
        return problem('UNKNOWN_KEY', `YAML merge keys (<<) are not part of YAML 1.2; in ${at} repeat the keys, or put shared SSH settings under defaults.ssh`, loc);
      }
      const known = Object.keys((parent.properties as object | undefined) ?? {});
      const inside = path.length ? `in ${at}` : 'at the top level';
      return problem('UNKNOWN_KEY', `unknown key "${key}" ${inside}${didYouMean(key, known)}`, loc);
    }
    case 'propertyNames':
      return undefined; // the inner pattern error names the key
    case 'enum': {
      const allowed = (err.params.allowedValues as unknown[]).map((v) => String(v));
      const hint = typeof err.data === 'string' ? didYouMean(err.data, allowed) : '';
      return problem('BAD_VALUE', `${at} must be one of ${allowed.join(', ')}, not ${describe(err.data)}${hint}`, where);
    }
    case 'const':
      return problem('BAD_VALUE', `${at} must be ${JSON.stringify(err.params.allowedValue)}, not ${describe(err.data)}`, where);
    case 'pattern': {
      const propName = err.propertyName; // set when a map key (propertyNames) failed
      if (propName !== undefined) {
        return problem('BAD_VALUE', `name "${propName}" in ${at} must be ${String(parent['x-expected'] ?? `matching ${err.params.pattern}`)}`, locate(src, [...path, propName], { key: true }));
      }
      if (isSecret) return secretProblem(at, String(err.data), where);
      const expected = typeof parent['x-expected'] === 'string' ? parent['x-expected'] : `matching ${String(err.params.pattern)}`;
      return problem('BAD_VALUE', `${at} must be ${expected}, not ${describe(err.data)}`, where);
    }
    case 'minItems':
    case 'minProperties':
    case 'minLength':
      if (err.params.limit === 1) return problem('BAD_VALUE', `${at} must not be empty`, where);
      return problem('BAD_VALUE', `${at} needs at least ${String(err.params.limit)} ${err.keyword === 'minLength' ? 'characters' : 'entries'}`, where);
    default: {
      const what = isSecret ? '' : ` (got ${describe(err.data)})`;
      return problem('BAD_VALUE', `${at} ${err.message ?? 'is not allowed'}${err.keyword.startsWith('min') || err.keyword.startsWith('max') ? what : ''}`, where);
    }
  }
}

/** Never echoes the value: it may be the very secret that should not be here. */
function secretProblem(at: string, value: string, where: ReturnType<typeof locate>): Problem {
  const scheme = /^([a-z][a-z0-9+-]*):[^\s]/i.exec(value);
  if (scheme && !/^-----BEGIN/.test(value) && scheme[1]!.toLowerCase() !== 'env' && scheme[1]!.toLowerCase() !== 'file') {
    return problem('BAD_SECRET_REF', `${at} uses the unknown reference scheme "${scheme[1]}:"; use env:NAME or file:path`, where);
  }
  if (/^(env|file):/i.test(value)) return problem('BAD_SECRET_REF', `${at} is not a valid reference; use env:NAME (letters, digits, _) or file:path`, where);
  if (/^(~|\.{0,2}\/)[^\s]*$/.test(value)) return problem('BAD_SECRET_REF', `${at} looks like a path; write it as a reference: file:<path>`, where);
  return problem('LITERAL_SECRET', `${at} must be a reference (env:NAME or file:path), not the secret itself`, where);
}
