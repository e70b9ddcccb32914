// Checks what a command proposes before anything is written: names within the table's limits,
// and data that survives a round trip through jsonb unchanged (plain JSON, no NUL characters,
// finite numbers), because the chain hashes what we produced, not what the database returns.
import { InvalidEventError } from '../errors.js';
import type { AppendContext, JsonValue, NewEvent } from './types.js';

const TYPE = /^[A-Z][A-Za-z0-9]{0,99}$/;

function checkJson(value: unknown, where: string, depth = 0): asserts value is JsonValue {
  if (depth > 64) throw new InvalidEventError(`${where}: nested deeper than 64 levels`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidEventError(`${where}: numbers must be finite`);
    return;
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw new InvalidEventError(`${where}: text must not contain NUL characters`);
    if (!value.isWellFormed()) throw new InvalidEventError(`${where}: text must be well-formed Unicode`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${where}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000') || !key.isWellFormed()) throw new InvalidEventError(`${where}: a key is not well-formed text`);
      checkJson(inner, `${where}.${key}`, depth + 1);
    }
    return;
  }
  throw new InvalidEventError(`${where}: ${typeof value} is not a JSON value`);
}

function checkText(value: unknown, name: string, max: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new InvalidEventError(`${name} must be text of 1 to ${max} characters`);
}

export function validateAppend(streamId: string, events: readonly NewEvent[], context: AppendContext): void {
  checkText(streamId, 'stream id', 200);
  checkText(context.actor, 'actor', 200);
  if (context.correlationId !== undefined) checkText(context.correlationId, 'correlation id', 200);
  if (context.policyVersion !== undefined) checkText(context.policyVersion, 'policy version', 200);
  if (events.length === 0) throw new InvalidEventError('an append needs at least one event');
  events.forEach((event, i) => {
    if (!TYPE.test(event.type)) throw new InvalidEventError(`event ${i}: type must be PascalCase letters and digits, up to 100`);
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) throw new InvalidEventError(`event ${i}: data must be a JSON object`);
    checkJson(event.data, `event ${i} data`);
    if (event.personal !== undefined) checkJson(event.personal, `event ${i} personal content`);
  });
}
