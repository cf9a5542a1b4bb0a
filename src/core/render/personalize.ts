import { escapeUTF8 as escapeHtml } from 'entities/escape';
import type { Placeholders } from './view.js';

export { escapeHtml };

/**
 * Writes one recipient's links into the finished HTML and text (no template or MJML work).
 * Replacer functions keep `$&`, `$'` and the like in a value literal. Kept apart from the
 * renderer so that senders load neither Handlebars nor the Markdown parser.
 */
export function personalize(
  rendered: { html: string; text: string; placeholders: Placeholders },
  links: { unsubscribeUrl: string; viewInBrowserUrl: string },
): { html: string; text: string } {
  const { placeholders } = rendered;
  const fill = (content: string, encode: (value: string) => string) =>
    content
      .replaceAll(placeholders.unsubscribeUrl, () => encode(links.unsubscribeUrl))
      .replaceAll(placeholders.viewInBrowserUrl, () => encode(links.viewInBrowserUrl));
  return { html: fill(rendered.html, escapeHtml), text: fill(rendered.text, (value) => value) };
}
