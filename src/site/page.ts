import { markupText } from './markup.js';

/**
 * The look every public page of the list shares: a quiet grey page, one white card, the
 * newsletter's name above the heading. No scripts, no images, no fonts to fetch: a page works
 * under `default-src 'none'; style-src 'unsafe-inline'`.
 */
const STYLE = `body{margin:0;background:#eef1f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2937}
main{max-width:480px;margin:12vh auto;background:#fff;border-radius:14px;padding:36px 32px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.brand{font-size:12px;font-weight:700;letter-spacing:2px;text-transform:uppercase;color:#4338ca;margin:0 0 12px}
h1{font-size:24px;line-height:1.3;margin:0 0 12px}p{line-height:1.6;margin:0 0 20px}
button{background:#4338ca;color:#fff;border:0;border-radius:8px;padding:12px 20px;font-size:15px;font-weight:600;cursor:pointer}`;

export interface SitePage {
  /** The page's heading, and its document title unless `documentTitle` is given. Plain text. */
  title: string;
  documentTitle?: string;
  newsletterName: string;
  /** The card's content under the heading: HTML, already escaped. */
  content: string;
  /** More of the head (links): HTML, already escaped. */
  head?: string;
  /** Style rules added after the shared ones. */
  style?: string;
}

/**
 * A whole public page in the list's look.
 *
 * @example
 * sitePage({ title: 'You are unsubscribed', newsletterName: 'Metals Weekly', content: '<p>Sorry to see you go.</p>' })
 */
export function sitePage(page: SitePage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${markupText(page.documentTitle ?? page.title)}</title>${page.head ?? ''}
<style>
${STYLE}${page.style ?? ''}
</style></head>
<body><main><p class="brand">${markupText(page.newsletterName)}</p><h1>${markupText(page.title)}</h1>${page.content}</main></body></html>`;
}
