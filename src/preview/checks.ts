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
 * messages, links that are not https, images without alt text, subject and preheader length,
 * and items the size guard cut to a title.
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
  for (const href of insecure) checks.push({ level: 'warning', message: `Link is not https: ${href}` });
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
