// The same ability that decides single records, as a SQL condition for lists, search and
// counts. CASL flattens its rules into an AST (rulesToAST); this file turns that AST into SQL
// with CASL's meaning intact:
//   - no rule allows → rulesToAST gives null → FALSE (never "no filter");
//   - a rule without conditions → an empty AND → TRUE;
//   - on a list column "equals" means "contains" and "one of" means "shares an element";
//   - a missing (NULL) value is unequal to everything, as in memory.
// Field names become SQL only through the caller's column map; values are always bound.
import { rulesToAST } from '@casl/ability/extra';
import type { Knex } from 'knex';
import type { FieldKind, SubjectType } from './catalogue.js';
import type { AppAbility } from './compile.js';

export interface ColumnSpec {
  /** A column name, optionally qualified (`posts.space_id`). */
  readonly column: string;
  /**
   * 'list' columns are text[] and must hold no NULL elements (give the table a CHECK
   * `array_position(col, NULL) IS NULL`): `x = ANY('{a,NULL}')` is NULL rather than FALSE, and a
   * deny's NOT would then hide a row that memory lets through.
   */
  readonly kind: FieldKind;
  /** The column itself may be NULL (a missing value, unequal to everything, as in memory). */
  readonly nullable?: boolean;
}

export type ColumnMap = Readonly<Record<string, ColumnSpec>>;

export interface SqlCondition {
  readonly sql: string;
  readonly bindings: readonly unknown[];
}

interface AstNode {
  readonly operator: string;
  readonly field?: string;
  readonly value: unknown;
}

const TRUE: SqlCondition = { sql: 'TRUE', bindings: [] };
const FALSE: SqlCondition = { sql: 'FALSE', bindings: [] };

/**
 * Conditions already translated, per column map and ability. Abilities are never updated after
 * they are built (compile.ts caches them per principal and policy version), so neither is the
 * SQL: a request pays for the translation once, like it pays for the ability once.
 */
const translated = new WeakMap<ColumnMap, WeakMap<AppAbility, Map<string, SqlCondition>>>();

/** The WHERE condition matching exactly the rows `ability` permits `action` on. */
export function permittedCondition(ability: AppAbility, action: string, subjectType: SubjectType, columns: ColumnMap): SqlCondition {
  let byAbility = translated.get(columns);
  if (!byAbility) translated.set(columns, (byAbility = new WeakMap()));
  let byQuery = byAbility.get(ability);
  if (!byQuery) byAbility.set(ability, (byQuery = new Map<string, SqlCondition>()));
  const key = `${action}\u0000${subjectType}`;
  let condition = byQuery.get(key);
  if (!condition) {
    const ast = rulesToAST(ability, action, subjectType) as AstNode | null;
    const { sql, bindings } = ast === null ? FALSE : toSql(ast, columns);
    // Bracketed: callers AND it with their own conditions, and a bare "a OR b" would bind wrongly.
    condition = Object.freeze({ sql: `(${sql})`, bindings: Object.freeze(bindings) });
    byQuery.set(key, condition);
  }
  return condition;
}

/** Adds the permission condition to a knex query. */
export function wherePermitted<T extends Knex.QueryBuilder>(query: T, ability: AppAbility, action: string, subjectType: SubjectType, columns: ColumnMap): T {
  const { sql, bindings } = permittedCondition(ability, action, subjectType, columns);
  return query.whereRaw(sql, [...bindings] as Knex.RawBinding[]) as T;
}

function combine(parts: SqlCondition[], joiner: 'AND' | 'OR'): SqlCondition {
  if (parts.length === 0) return joiner === 'AND' ? TRUE : FALSE;
  if (parts.length === 1) return parts[0]!;
  return { sql: parts.map((p) => `(${p.sql})`).join(` ${joiner} `), bindings: ([] as unknown[]).concat(...parts.map((p) => p.bindings)) };
}

function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

function toSql(node: AstNode, columns: ColumnMap): SqlCondition {
  switch (node.operator) {
    case 'and':
      return combine((node.value as AstNode[]).map((n) => toSql(n, columns)), 'AND');
    case 'or':
      return orSql(node.value as AstNode[], columns);
    case 'not': {
      const inner = toSql((node.value as AstNode[])[0]!, columns);
      return { sql: `NOT (${inner.sql})`, bindings: inner.bindings };
    }
    default:
      return fieldSql(node, columns);
  }
}

/**
 * CASL repeats every deny inside every allow it overrides: `(a1 AND NOT d) OR (a2 AND NOT d) OR …`.
 * With one grant per readable space and one guard over every closed space that is 50 copies of a
 * 30-value list, which the planner cannot use an index for. Factoring the shared conjuncts out
 * — `NOT d AND (a1 OR a2 OR …)`, the same truth table — leaves one IN list per side.
 */
function orSql(branches: AstNode[], columns: ColumnMap): SqlCondition {
  const conjuncts = branches.map((b) => (b.operator === 'and' ? (b.value as AstNode[]) : [b]));
  const keyed = conjuncts.map((list) => new Map(list.map((n) => [keyOf(n), n])));
  const shared = [...keyed[0]!.entries()].filter(([key]) => keyed.every((k) => k.has(key)));
  if (branches.length < 2 || shared.length === 0) return combine(mergeEqualities(branches).map((n) => toSql(n, columns)), 'OR');
  const sharedKeys = new Set(shared.map(([key]) => key));
  const rests = keyed.map((k) => [...k.entries()].filter(([key]) => !sharedKeys.has(key)).map(([, n]) => n));
  // A branch left with nothing is TRUE, and so is the whole disjunction.
  const disjunction = rests.some((r) => r.length === 0) ? TRUE : orSql(rests.map((r) => (r.length === 1 ? r[0]! : { operator: 'and', value: r })), columns);
  return combine([...shared.map(([, n]) => toSql(n, columns)), ...(disjunction === TRUE ? [] : [disjunction])], 'AND');
}

/** Structural identity of a node; CASL shares one object per deny, so most lookups hit. */
const keys = new WeakMap<AstNode, string>();
function keyOf(node: AstNode): string {
  let key = keys.get(node);
  if (key === undefined) keys.set(node, (key = JSON.stringify(node)));
  return key;
}

/** `a = 1 OR a = 2 OR …` → `a IN (1, 2, …)`: the form the planner uses an index for. */
function mergeEqualities(nodes: AstNode[]): AstNode[] {
  const byField = new Map<string, unknown[]>();
  const rest: AstNode[] = [];
  for (const n of nodes) {
    if (n.field !== undefined && n.operator === 'eq' && typeof n.value === 'string') {
      const list = byField.get(n.field) ?? [];
      list.push(n.value);
      byField.set(n.field, list);
    } else {
      rest.push(n);
    }
  }
  for (const [field, values] of byField) rest.unshift(values.length === 1 ? { operator: 'eq', field, value: values[0] } : { operator: 'in', field, value: values });
  return rest;
}

function fieldSql(node: AstNode, columns: ColumnMap): SqlCondition {
  const spec = node.field === undefined ? undefined : columns[node.field];
  // Fail closed: a condition on a field the query cannot see must not be dropped.
  if (!spec) throw new Error(`policy field "${String(node.field)}" has no column in this query`);
  const col = spec.column;
  const values = Array.isArray(node.value) ? (node.value as unknown[]) : [node.value];
  if (spec.kind === 'list') {
    const list = spec.nullable ? `COALESCE(??, '{}')` : '??';
    switch (node.operator) {
      case 'eq':
        return { sql: `? = ANY(${list})`, bindings: [node.value, col] };
      case 'ne':
        return { sql: `NOT (? = ANY(${list}))`, bindings: [node.value, col] };
      case 'in':
        return values.length === 0 ? FALSE : { sql: `${list} && ARRAY[${placeholders(values.length)}]::text[]`, bindings: [col, ...values] };
      case 'nin':
        return values.length === 0 ? TRUE : { sql: `NOT (${list} && ARRAY[${placeholders(values.length)}]::text[])`, bindings: [col, ...values] };
    }
  } else {
    switch (node.operator) {
      // On a nullable column every test must be TRUE or FALSE, never NULL: a deny wraps its
      // condition in NOT, and NOT NULL would hide the row that memory lets through.
      case 'eq':
        return { sql: spec.nullable ? '?? IS NOT DISTINCT FROM ?' : '?? = ?', bindings: [col, node.value] };
      case 'ne':
        return { sql: spec.nullable ? '?? IS DISTINCT FROM ?' : '?? <> ?', bindings: [col, node.value] };
      case 'in':
        if (values.length === 0) return FALSE;
        return spec.nullable
          ? { sql: `COALESCE(?? IN (${placeholders(values.length)}), FALSE)`, bindings: [col, ...values] }
          : { sql: `?? IN (${placeholders(values.length)})`, bindings: [col, ...values] };
      case 'nin':
        if (values.length === 0) return TRUE;
        return spec.nullable
          ? { sql: `(?? IS NULL OR ?? NOT IN (${placeholders(values.length)}))`, bindings: [col, col, ...values] }
          : { sql: `?? NOT IN (${placeholders(values.length)})`, bindings: [col, ...values] };
    }
  }
  throw new Error(`policy operator "${node.operator}" has no SQL translation`);
}
