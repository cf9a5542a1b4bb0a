import { Parser } from 'htmlparser2';
import { PREHEADER_MAX, SUBJECT_MAX } from '../core/digest/summarize.js';
import { characterCount } from '../core/ingest/text.js';
import type { DigestManifest } from '../core/render/build.js';

export interface Check {
  level: 'ok' | 'warning' | 'error';
  message: string;
}

/** Gmail clips a message whose HTML passes about 102 KB. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/**
 * What an editor should know before the issue goes out: size against Gmail's clip, MJML
 * messages, links that are not https (each naming the briefing it came from), images without alt
 * text, subject and preheader length, and items the size guard cut to a title.
 */
export function digestChecks(input: {
  html: string;
  manifest: DigestManifest;
  mjmlWarnings: string[];
}): Check[] {
  const checks: Check[] = [];
  const bytes = Buffer.byteLength(input.html);
  const kb = (bytes / 1024).toFixed(1);
  checks.push(
    bytes > GMAIL_CLIP_BYTES
      ? { level: 'error', message: `HTML is ${kb} KB: Gmail clips messages over 102 KB` }
      : bytes > GMAIL_CLIP_BYTES * 0.9
        ? { level: 'warning', message: `HTML is ${kb} KB, close to Gmail's 102 KB clip` }
        : { level: 'ok', message: `HTML is ${kb} KB (Gmail clips at 102 KB)` },
  );
  for (const warning of input.mjmlWarnings) checks.push({ level: 'warning', message: `MJML: ${warning}` });

  const insecure = new Set<string>();
  const unlabelledImages: string[] = [];
  new Parser({
    onopentag(name, attributes) {
      const href = attributes.href?.trim();
      if (name === 'a' && href && !/^(?:https:|mailto:|%%)/i.test(href)) insecure.add(href);
      if (name === 'img' && !('alt' in attributes)) unlabelledImages.push(attributes.src ?? '(no src)');
    },
  }).end(input.html);
  for (const href of insecure)
    checks.push({
      level: 'warning',
      message: `Link is not https: ${href} (${whereFrom(input.manifest, href)})`,
    });
  for (const src of unlabelledImages)
    checks.push({ level: 'warning', message: `Image without alt text: ${src}` });
  if (insecure.size === 0) checks.push({ level: 'ok', message: 'Every link is https or mailto' });

  const subject = characterCount(input.manifest.subject);
  checks.push(
    subject > SUBJECT_MAX
      ? {
          level: 'warning',
          message: `Subject is ${subject} characters; inboxes cut it after about ${SUBJECT_MAX}`,
        }
      : { level: 'ok', message: `Subject is ${subject} characters (limit ${SUBJECT_MAX})` },
  );
  const preheader = characterCount(input.manifest.preheader);
  checks.push(
    preheader > PREHEADER_MAX
      ? {
          level: 'warning',
          message: `Preheader is ${preheader} characters; inboxes show about ${PREHEADER_MAX}`,
        }
      : { level: 'ok', message: `Preheader is ${preheader} characters (limit ${PREHEADER_MAX})` },
  );
  const cut = input.manifest.collapsedItems.length;
  if (cut > 0)
    checks.push({
      level: 'warning',
      message: `${cut} item(s) shown as title-only links to stay under the clip limit`,
    });
  return checks;
}

/** Which briefing files a link came from, in words: `in 2026-11-16-a.md`, or the template. */
function whereFrom(manifest: DigestManifest, href: string): string {
  const files = briefingsLinking(manifest, href);
  return files.length > 0 ? `in ${files.join(', ')}` : 'in the template or settings, not a briefing';
}

/**
 * The briefing files whose items carry `href`: as their link, or inside their highlights, note or
 * any other field, attributed to the nearest enclosing `file` (an item, or a source grouped into
 * it). Items keep their Markdown, so the link is found as written or percent-decoded.
 *
 * @example
 * briefingsLinking(manifest, 'http://example.com/a') // ['2026-11-16-a.md']
 */
export function briefingsLinking(manifest: DigestManifest, href: string): string[] {
  let decoded = href;
  try {
    decoded = decodeURI(href);
  } catch {
    // A malformed escape: look for the link as written only.
  }
  const found = new Set<string>();
  const visit = (value: unknown, file: string | undefined): void => {
    if (typeof value === 'string') {
      if (file && (value.includes(href) || value.includes(decoded))) found.add(file);
    } else if (Array.isArray(value)) {
      for (const entry of value) visit(entry, file);
    } else if (value && typeof value === 'object') {
      const own = (value as { file?: unknown }).file;
      const current = typeof own === 'string' ? own : file;
      for (const [key, entry] of Object.entries(value)) if (key !== 'file') visit(entry, current);
    }
  };
  visit(manifest.items, undefined);
  return [...found];
}
