// Parses one YAML file keeping the source positions, so that every later message about it
// (schema, cross-file checks, explain) can name file, line and column.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface PolicyProblem extends Location {
  readonly message: string;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

export function formatLocation(l: Location): string {
  return `${l.file}:${l.line}`;
}

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly text: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** The parsed file, or its syntax problems. */
  static parse(file: string, text: string): { source: YamlSource; value: unknown } | { problems: PolicyProblem[]; partial: unknown } {
    const lines = new LineCounter();
    // YAML 1.2 core schema: "no" and "on" stay texts; duplicate keys are errors.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, schema: 'core', logLevel: 'error' });
    if (doc.errors.length > 0) {
      // The first syntax error only: the ones after it are mostly its echoes.
      const e = doc.errors[0]!;
      const { line, col } = lines.linePos(e.pos[0]);
      let partial: unknown;
      try {
        partial = doc.toJS();
      } catch {
        partial = undefined;
      }
      return { problems: [{ file, line, column: col, message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` }], partial };
    }
    return { source: new YamlSource(file, text, doc, lines), value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  }

  /** Where the value at `path` starts; with `key`, where that key of the mapping at `path` is. */
  locate(path: readonly (string | number)[], key?: string): Location {
    let node: unknown = this.doc.contents;
    let found: unknown = node;
    for (const segment of path) {
      const next = child(node, segment);
      if (next === undefined) break;
      node = next.value;
      found = next.value ?? next.key;
    }
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair) found = pair.key;
    }
    return this.position(found);
  }

  private position(node: unknown): Location {
    const range = (node as Node | undefined)?.range;
    const { line, col } = this.lines.linePos(range ? range[0] : 0);
    return { file: this.file, line, column: col };
  }
}

function child(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}
