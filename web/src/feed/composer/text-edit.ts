// Pure edits of the composer's text: which @mention or #topic the caret is in (with the same
// letters the server accepts in src/posts/post-text.ts), replacing it with a pick, wrapping a
// selection as a Markdown link, and counting characters as the server counts them.

export interface Token {
  readonly kind: 'mention' | 'topic';
  /** What was typed after the @ or #. */
  readonly query: string;
  /** Where the @ or # is, and where the token ends (the caret). */
  readonly start: number;
  readonly end: number;
}

const MENTION_BEFORE_CARET = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})?$/u;
const TOPIC_BEFORE_CARET = /(?:^|[^\p{L}\p{N}_#&/])#([\p{L}\p{N}_][\p{L}\p{N}_-]{0,63})?$/u;

/** The @mention or #topic being typed at `caret`, if any. */
export function tokenAt(text: string, caret: number): Token | undefined {
  const before = text.slice(0, caret);
  for (const [kind, pattern, sigil] of [
    ['mention', MENTION_BEFORE_CARET, '@'],
    ['topic', TOPIC_BEFORE_CARET, '#'],
  ] as const) {
    const match = pattern.exec(before);
    if (match) {
      const query = match[1] ?? '';
      return { kind, query, start: caret - query.length - sigil.length, end: caret };
    }
  }
  return undefined;
}

/** Replaces `token` by `insert` and a space; answers the new text and caret. */
export function replaceToken(text: string, token: Token, insert: string): { text: string; caret: number } {
  const after = text.slice(token.end);
  const spaced = after.startsWith(' ') ? insert : `${insert} `;
  return { text: text.slice(0, token.start) + spaced + after, caret: token.start + spaced.length + (after.startsWith(' ') ? 1 : 0) };
}

/** Links may only be these (the server's renderer leaves any other as plain text). */
export const LINKABLE = /^(?:https?:\/\/\S+|mailto:\S+)$/i;

/** Wraps the selection as [text](url); without a selection the address is its own text. */
export function wrapAsLink(text: string, start: number, end: number, url: string): { text: string; selectionStart: number; selectionEnd: number } {
  const label = text.slice(start, end).replace(/[[\]]/g, '\\$&') || url;
  const link = `[${label}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
  return { text: text.slice(0, start) + link + text.slice(end), selectionStart: start + link.length, selectionEnd: start + link.length };
}

export { charCount } from '../../ui/char-count.js';
