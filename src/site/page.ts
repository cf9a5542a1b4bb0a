import { markupText } from './markup.js';

/** A request to the public site, as a Function URL or `digest serve` hands it over. */
export interface SiteRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  body: string;
  /** The Content-Type header: forms come form-urlencoded or as multipart/form-data. */
  contentType?: string;
  /** The client's address (the Function URL's source IP; the socket's for `digest serve`). */
  sourceIp?: string;
}

export interface SiteResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Every page: no scripts at all, styles only inline, forms only to this site, never framed, no
 * referrer leaving with a token in it.
 */
export const SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The look every public page of the list shares: a quiet grey page, one white card (edge to edge
 * on a phone), the newsletter's name above the heading, 16 px text, visible focus. No scripts, no
 * images, no fonts to fetch: a page works under `default-src 'none'; style-src 'unsafe-inline'`.
 */
const STYLE = `body{margin:0;background:#eef1f5;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2937;font-size:16px}
main{max-width:480px;margin:8vh auto;background:#fff;border-radius:14px;padding:36px 32px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
@media (max-width:520px){main{margin:0;border-radius:0;box-shadow:none;padding:28px 20px;min-height:100vh;box-sizing:border-box}}
.brand{font-size:12px;font-weight:700;letter-spacing:2px;text-transform:uppercase;color:#4338ca;margin:0 0 12px}
h1{font-size:24px;line-height:1.3;margin:0 0 12px}p{line-height:1.6;margin:0 0 20px}
label{display:block;font-weight:600;margin:0 0 6px}
.field{margin:0 0 18px}.hint{font-weight:400;color:#4b5563}
input[type=email],input[type=text]{box-sizing:border-box;width:100%;font:inherit;padding:11px 12px;border:1px solid #9ca3af;border-radius:8px;background:#fff;color:inherit}
button{background:#4338ca;color:#fff;border:0;border-radius:8px;padding:12px 20px;font:inherit;font-weight:600;cursor:pointer}
input:focus,button:focus,a:focus{outline:3px solid #f59e0b;outline-offset:2px}
.error{color:#b91c1c;font-weight:600}
.trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
a{color:#4338ca}nav{margin-top:28px;font-size:14px}`;

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
<title>${markupText(page.documentTitle ?? `${page.title} · ${page.newsletterName}`)}</title>${page.head ?? ''}
<style>
${STYLE}${page.style ?? ''}
</style></head>
<body><main><p class="brand">${markupText(page.newsletterName)}</p><h1>${markupText(page.title)}</h1>${page.content}</main></body></html>`;
}

/** A page as a response, with the security headers (and any others given). */
export function page(
  status: number,
  title: string,
  content: string,
  newsletterName: string,
  headers: Record<string, string> = {},
): SiteResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, ...headers },
    body: sitePage({ title, content, newsletterName }),
  };
}
