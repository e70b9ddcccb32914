// Normalizes values that the two drivers return differently: pg gives int8 as string and
// bytea as Buffer, PGlite gives int8 as bigint and bytea as Uint8Array.
import type { Knex } from 'knex';
export function toSafeInteger(value: unknown): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new TypeError(`not a safe integer: ${String(value)}`);
  return n;
}

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('not binary data');
}

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(value);
  throw new TypeError('not a timestamp');
}

/** Rows of a raw SQL statement; both drivers answer raw queries with `{ rows }`. */
export async function rawRows<T>(db: Knex | Knex.Transaction, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<T[]> {
  const result = await db.raw<{ rows: T[] }>(sql, bindings);
  return result.rows;
}

/** A text[] column's value: an array from either driver, or its literal form ({a,"b c"}) where a driver leaves it as text. */
export function toTextArray(value: string[] | string): string[] {
  return Array.isArray(value) ? value : value.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((s) => s.replace(/^"|"$/g, ''));
}
