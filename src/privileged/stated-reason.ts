// The reason a privileged read must state: a body of exactly `{ "reason": "…" }`, 10 to 500
// characters once trimmed. Long enough that "test" or "check" is not a reason, short enough to
// stay a statement rather than a case file. Text made only of invisible characters says nothing.
import { ValidationError } from '../errors.js';

export const REASON_MIN = 10;
export const REASON_MAX = 500;

export function statedReason(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('privileged read: expected a JSON object with "reason"');
  const unknownKeys = Object.keys(body).filter((k) => k !== 'reason');
  if (unknownKeys.length > 0) throw new ValidationError(`privileged read: unknown field ${unknownKeys.map((k) => `"${k}"`).join(', ')}; expected "reason"`);
  const { reason } = body as { reason?: unknown };
  if (typeof reason !== 'string') throw new ValidationError('privileged read: "reason" is required: say why you need to read this content');
  const text = reason.normalize('NFC').trim();
  if (/^[\p{Cc}\p{Cf}\p{Z}]*$/u.test(text)) throw new ValidationError('privileged read: "reason" is empty; say why you need to read this content');
  const length = [...text].length;
  if (length < REASON_MIN || length > REASON_MAX) throw new ValidationError(`privileged read: "reason" has ${length} characters; it needs ${REASON_MIN} to ${REASON_MAX}`);
  return text;
}
