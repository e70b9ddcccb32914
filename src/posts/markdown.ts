// Post text is Markdown; readers get it rendered to HTML that is safe to put into a page:
// raw HTML in the text is shown as text, links are only http(s) and mailto (no javascript:,
// data: or file: URLs), and every link opens without handing the opener or the referrer over.
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(?:https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, breaks: true });
// markdown-it's own check already refuses javascript:, vbscript: and file:; also refuse data:
// (images included: Flurfunk serves attachments itself) and relative or unknown schemes.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
md.disable(['image']);

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('rel', 'noopener noreferrer nofollow');
  token.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}

/** The text of a post's or comment's sealed content; '' when it is missing or shredded. */
export function textOf(personal: unknown): string {
  const text = (personal as { text?: unknown } | undefined)?.text;
  return typeof text === 'string' ? text : '';
}
