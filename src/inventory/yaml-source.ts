// Parses hosts.yaml keeping positions: every later stage asks this file where a path is.
// Syntax errors and duplicate keys are reported here, before anything reads values, because
// `toJS()` would silently keep the last of two duplicate keys.
import { LineCounter, parseDocument, isAlias, isMap, isSeq, isScalar, isPair, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Loc } from './types.ts';
import type { Problem } from '../errors/problem.ts';
import { problem } from '../errors/catalog.ts';

export type Path = (string | number)[];

export interface YamlSource {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function parseYamlSource(text: string, file: string): { source: YamlSource; problems: Problem[]; fatal: boolean } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const source: YamlSource = { file, text, doc, lines };
  const problems: Problem[] = [];
  let fatal = false;
  for (const err of doc.errors) {
    if (err.code === 'DUPLICATE_KEY') continue; // reported below with both positions
    fatal = true;
    const [start] = err.linePos ?? [lines.linePos(err.pos[0])];
    const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    problems.push(problem('YAML_SYNTAX', message, { file, line: start.line, column: start.col }));
  }
  problems.push(...duplicateKeys(source));
  const structural = aliasesAndKeys(source);
  if (structural.length) fatal = true;
  problems.push(...structural);
  if (!fatal && (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null))) {
    fatal = true;
    problems.push(problem('YAML_SYNTAX', 'the file is empty; an inventory starts with "version: 1"', { file, line: 1, column: 1 }));
  }
  return { source, problems, fatal };
}

function duplicateKeys(src: YamlSource): Problem[] {
  const out: Problem[] = [];
  visit(src.doc, {
    Map(_, map) {
      const seen = new Map<unknown, Node>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        const name = isScalar(key) ? key.value : undefined;
        if (name === undefined || !key) continue;
        const first = seen.get(name);
        if (first) {
          const at = posOf(src, key);
          const was = posOf(src, first);
          out.push(problem('DUPLICATE_KEY', `duplicate key "${String(name)}" (first defined at line ${was.line})`, at));
        } else seen.set(name, key);
      }
    },
  });
  return out;
}

/** Aliases to anchors that do not exist (yaml throws on them in toJS) and non-string keys. */
function aliasesAndKeys(src: YamlSource): Problem[] {
  const out: Problem[] = [];
  // visit() walks in document order, so the anchors seen so far are exactly those an alias may
  // refer to. (alias.resolve() would re-walk the whole document per alias: O(n²) on a large
  // inventory built with anchors.)
  const anchors = new Set<string>();
  visit(src.doc, {
    Node(_, node) {
      if (!isAlias(node) && node.anchor) anchors.add(node.anchor);
    },
    Alias(_, alias) {
      if (!anchors.has(alias.source)) out.push(problem('YAML_SYNTAX', `alias *${alias.source} refers to no anchor &${alias.source} before it`, posOf(src, alias)));
    },
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key && !isScalar(key)) out.push(problem('YAML_SYNTAX', 'a map key must be a plain value, not a list or map', posOf(src, key)));
    },
  });
  return out;
}

export function posOf(src: YamlSource, node: Node): Loc {
  const p = src.lines.linePos(node.range?.[0] ?? 0);
  return { file: src.file, line: p.line, column: p.col };
}

/**
 * Where a path is in the file. `key: true` points at the key of the last map segment (for
 * "missing"/"unknown" problems about an object, the line that names it). Paths through
 * aliases or merge keys fall back to the nearest parent that exists in the text.
 */
export function locate(src: YamlSource, path: Path, opts: { key?: boolean } = {}): Loc {
  let node: unknown = src.doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (last && opts.key && isNode(pair.key)) return posOf(src, pair.key);
      if (isNode(pair.value) && pair.value.range) node = pair.value;
      else {
        if (isNode(pair.key)) best = pair.key;
        break;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!isNode(item) || !item.range) break;
      node = item;
    } else break;
    best = node as Node;
  }
  return best ? posOf(src, best) : { file: src.file, line: 1, column: 1 };
}

/** The raw source text of a scalar (`0600` rather than the number 600), if it is one. */
export function rawScalar(src: YamlSource, path: Path): string | undefined {
  const node = src.doc.getIn(path, true);
  return isScalar(node) && node.range ? src.text.slice(node.range[0], node.range[1]) : undefined;
}

function isNode(x: unknown): x is Node {
  return !!x && typeof x === 'object' && 'range' in (x as object);
}

/** `hosts.mx1.services.postfix.endpoints[0].port`, for messages. */
export function showPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out || '(top level)';
}
