// Translates driver errors into Flurfunk's catalogue at the data boundary, by SQLSTATE, so
// nothing above this folder ever inspects a driver's error shape.
import { AppendOnlyViolationError, DatabaseUnavailableError, FlurfunkError } from '../errors.js';

/** SQLSTATE raised by our append-only triggers (see the first migration). */
export const APPEND_ONLY_SQLSTATE = 'FF001';

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'EAI_AGAIN']);

export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function translateDriverError(err: unknown, where = 'the database'): Error {
  if (err instanceof FlurfunkError) return err;
  const state = sqlState(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (state === APPEND_ONLY_SQLSTATE) return new AppendOnlyViolationError((err as Error).message, err);
  if ((typeof code === 'string' && unreachable.has(code)) || state?.startsWith('08') || state === '57P03' || state === '28000' || state === '28P01' || state === '3D000') {
    return new DatabaseUnavailableError(`Cannot use ${where}: ${(err as Error).message || String(code)}`, err);
  }
  return err instanceof Error ? err : new Error(String(err));
}
