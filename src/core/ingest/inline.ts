import { decodeHTMLStrict as decodeEntities, escapeUTF8 as escapeHtml } from 'entities';
import { Lexer, type Token, type Tokens } from 'marked';
import { safeUrl } from './clean.js';
import { characterCount, truncateAtWord } from './text.js';

/**
 * Briefing text is kept as a small, safe subset of inline Markdown: **bold**, _emphasis_,
 * `code` and [links](https://…). Everything else, HTML included, is shown as text.
 * These functions turn it into escaped HTML, plain text for the text part, or a bare string.
 */

export { escapeHtml };

const LINK_STYLE = 'color:#1d4ed8;text-decoration:underline;';

function lex(markdown: string): Token[] {
  return Lexer.lexInline(markdown, { gfm: true, breaks: false });
}

/**
 * Escaped HTML for inline Markdown; links only for https, http and mailto.
 *
 * @example
 * inlineToHtml('**Up** <script>x</script> [more](javascript:alert(1))')
 * // '<strong>Up</strong> &lt;script&gt;x&lt;/script&gt; more'
 */
export function inlineToHtml(markdown: string): string {
  return renderHtml(lex(markdown));
}

function renderHtml(tokens: Token[]): string {
  return tokens.map(renderHtmlToken).join('');
}

function renderHtmlToken(token: Token): string {
  switch (token.type) {
    case 'strong':
      return `<strong>${renderHtml((token as Tokens.Strong).tokens)}</strong>`;
    case 'em':
      return `<em>${renderHtml((token as Tokens.Em).tokens)}</em>`;
    case 'del':
      return `<s>${renderHtml((token as Tokens.Del).tokens)}</s>`;
    case 'codespan':
      return `<code>${escapeHtml(decodeEntities((token as Tokens.Codespan).text))}</code>`;
    case 'link': {
      const link = token as Tokens.Link;
      const href = safeUrl(link.href);
      const label = renderHtml(link.tokens);
      return href ? `<a href="${escapeHtml(href)}" style="${LINK_STYLE}">${label}</a>` : label;
    }
    case 'image':
      return escapeHtml((token as Tokens.Image).text);
    case 'br':
      return ' ';
    case 'text':
    case 'escape': {
      const text = token as Tokens.Text;
      return text.tokens ? renderHtml(text.tokens) : escapeHtml(decodeEntities(text.text));
    }
    default:
      return escapeHtml('raw' in token ? String(token.raw) : '');
  }
}

/** Plain text with links written out as `label (url)`, for the text/plain part. */
export function inlineToText(markdown: string): string {
  return renderText(lex(markdown), true);
}

/** Plain text without markup or URLs: titles, subjects, lengths. */
export function inlineToPlain(markdown: string): string {
  return renderText(lex(markdown), false);
}

function renderText(tokens: Token[], withUrls: boolean): string {
  return tokens
    .map((token) => {
      if (token.type === 'link') {
        const link = token as Tokens.Link;
        const label = renderText(link.tokens, withUrls);
        const href = safeUrl(link.href);
        return withUrls && href && href !== label && `mailto:${label}` !== href
          ? `${label} (${href})`
          : label;
      }
      if ('tokens' in token && token.tokens) return renderText(token.tokens, withUrls);
      if (token.type === 'br') return ' ';
      if ('text' in token && token.type !== 'html') return decodeEntities(String(token.text));
      return 'raw' in token ? String(token.raw) : '';
    })
    .join('');
}

const MARKDOWN_SPECIAL = /[\\`*_[\]<>~|&]/g;

/** Escapes plain text so it reads as itself when treated as inline Markdown. */
export function escapeInline(plain: string): string {
  return plain.replace(MARKDOWN_SPECIAL, (char) => `\\${char}`);
}

/**
 * Inline Markdown of at most `max` visible characters. Within the limit it keeps its markup;
 * over it, it is cut at a word boundary as plain text (a cut can't leave a link half open).
 */
export function truncateInline(markdown: string, max: number): string {
  const plain = inlineToPlain(markdown);
  if (characterCount(plain) <= max) return markdown;
  return escapeInline(truncateAtWord(plain, max));
}
