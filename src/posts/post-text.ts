// What a post's text may be and what it names: the policy's length limit (counted in
// characters as people count them, not UTF-16 units), @mentions of people and #topics.
import { ValidationError } from '../errors.js';

const MENTION = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})/gu;
const TOPIC = /(?:^|[^\p{L}\p{N}_#&/])#([\p{L}\p{N}_][\p{L}\p{N}_-]{0,63})/gu;

export function checkedText(value: unknown, limit: number, what: string): string {
  if (typeof value !== 'string') throw new ValidationError(`${what}: "text" must be a string`);
  const text = value.normalize('NFC');
  if (text.trim() === '') throw new ValidationError(`${what}: "text" is empty`);
  const length = [...text].length;
  if (length > limit) throw new ValidationError(`${what}: "text" has ${length} characters; this installation allows at most ${limit}`);
  return text;
}

/** Mentioned user ids and #topics, lower-cased, each once, in order of appearance. */
export function namesIn(text: string): { mentions: string[]; topics: string[] } {
  const unique = (matches: IterableIterator<RegExpMatchArray>) => [...new Set([...matches].map((m) => m[1]!.replace(/[._-]+$/, '').toLowerCase()))];
  return { mentions: unique(text.matchAll(MENTION)), topics: unique(text.matchAll(TOPIC)) };
}
