// Reads what a DPO asks for when placing or lifting a legal hold, from an API body or the CLI's
// options: anything malformed is a ValidationError naming the field. Pure: whether the named
// spaces exist is the command's question (it needs the active policy).
import { ValidationError } from '../errors.js';
import type { HoldCriteria } from './hold-criteria.js';

export const REASON_MIN = 10;
export const REASON_MAX = 500;
export const CASE_MAX = 100;
/** People or spaces one hold may name; a larger matter is several holds, or a space-wide one. */
export const NAMES_MAX = 100;

export interface HoldRequest extends HoldCriteria {
  readonly reason: string;
  readonly caseReference: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 date or date-time. A date alone is a whole day in UTC: as `from` its first
 * instant, as `to` its last, so "--from 2026-01-01 --to 2026-03-31" covers all of March 31.
 */
export function holdInstant(value: unknown, name: 'from' | 'to'): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : '';
  let date: Date | undefined;
  if (DATE.test(text)) {
    const start = new Date(`${text}T00:00:00.000Z`);
    if (start.toISOString().slice(0, 10) === text) date = name === 'from' ? start : new Date(start.getTime() + 86_400_000 - 1);
  } else if (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) date = new Date(text);
  if (!date) throw new ValidationError(`"${name}" must be an ISO 8601 date or date-time, e.g. 2026-01-01 or 2026-01-01T09:00:00Z`);
  return date;
}

/** 1–`max` characters once trimmed, not only invisible ones. */
export function statedText(value: unknown, name: string, min: number, max: number, what: string): string {
  if (typeof value !== 'string') throw new ValidationError(`"${name}" is required: ${what}`);
  const text = value.normalize('NFC').trim();
  if (/^[\p{Cc}\p{Cf}\p{Z}]*$/u.test(text)) throw new ValidationError(`"${name}" is empty: ${what}`);
  const length = [...text].length;
  if (length < min || length > max) throw new ValidationError(`"${name}" has ${length} characters; it needs ${min} to ${max}`);
  return text;
}

function names(value: unknown, name: 'people' | 'spaces', valid: (item: string) => boolean): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > NAMES_MAX || !value.every((v): v is string => typeof v === 'string' && valid(v))) {
    throw new ValidationError(name === 'people' ? `"people" must be a list of 1 to ${NAMES_MAX} person ids (as the identity provider names them)` : `"spaces" must be a list of 1 to ${NAMES_MAX} space ids`);
  }
  return [...new Set(value)];
}

export function objectBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError(`expected a JSON object with ${allowed.map((k) => `"${k}"`).join(', ')}`);
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ValidationError(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; expected ${allowed.map((k) => `"${k}"`).join(', ')}`);
  return body as Record<string, unknown>;
}

export function holdRequest(body: unknown): HoldRequest {
  const b = objectBody(body, ['people', 'spaces', 'from', 'to', 'reason', 'caseReference']);
  const people = names(b.people, 'people', (p) => p.length >= 1 && p.length <= 255);
  const spaces = names(b.spaces, 'spaces', (s) => /^[a-z0-9][a-z0-9-]*$/.test(s) && s.length <= 200);
  const from = holdInstant(b.from, 'from');
  const to = holdInstant(b.to, 'to');
  if (!people && !spaces && !from && !to) throw new ValidationError('a hold names at least one of "people", "spaces", "from" or "to"');
  if (from && to && from.getTime() > to.getTime()) throw new ValidationError('"from" must not be after "to"');
  const reason = statedText(b.reason, 'reason', REASON_MIN, REASON_MAX, 'say why content must be kept');
  const caseReference = statedText(b.caseReference, 'caseReference', 1, CASE_MAX, 'name the case or matter (e.g. a file number)');
  return { ...(people ? { people } : {}), ...(spaces ? { spaces } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), reason, caseReference };
}

export function liftRequest(body: unknown): { readonly reason: string } {
  const b = objectBody(body, ['reason']);
  return { reason: statedText(b.reason, 'reason', REASON_MIN, REASON_MAX, 'say why the hold ends') };
}
