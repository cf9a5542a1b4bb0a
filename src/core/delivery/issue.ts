import { DigestError } from '../errors.js';
import type { DigestManifest } from '../render/build.js';
import { PLACEHOLDER_PATTERN, type Placeholders } from '../render/view.js';

/** The finished issue, as a sender needs it. */
export interface IssueContent {
  issueId: string;
  subject: string;
  /** HTML and text with this render's per-recipient placeholders left in. */
  template: { html: string; text: string; placeholders: Placeholders };
  viewInBrowserUrl: string;
}

/**
 * Everything a send needs of an issue, in one piece (`message.json` in the archive on AWS): one
 * object is written whole, so two builds of one issue at once leave one build's, never a mix.
 */
export interface SendableFiles {
  manifest: string;
  html: string;
  text: string;
}

/** Where the build function archives `SendableFiles`, beside the files people open. */
export const SENDABLE_FILE = 'message.json';

/** `SendableFiles` as the one object the archive keeps. */
export function sendableJson(files: SendableFiles): string {
  return JSON.stringify({ manifest: files.manifest, html: files.html, text: files.text });
}

/** Reads `sendableJson`'s object back; `where` names it in the error. */
export function sendableFrom(json: string, where: string): SendableFiles {
  try {
    const parsed = JSON.parse(json) as Partial<SendableFiles>;
    if (
      typeof parsed.manifest === 'string' &&
      typeof parsed.html === 'string' &&
      typeof parsed.text === 'string'
    )
      return { manifest: parsed.manifest, html: parsed.html, text: parsed.text };
  } catch {
    // Reported below, the same as an object of the wrong shape.
  }
  throw new DigestError(`${where}/${SENDABLE_FILE} is damaged: build the issue again`);
}

/**
 * The issue as `digest build` (or the build function) wrote it: `digest.json`, `message.html`
 * and `message.txt`. A digest built before placeholders were made per render cannot be sent.
 */
export function issueFromFiles(
  files: SendableFiles,
  viewInBrowserUrl: (issueId: string) => string,
  where: string,
): IssueContent {
  const manifest = JSON.parse(files.manifest) as Partial<DigestManifest>;
  const { issueId, subject, placeholders } = manifest;
  if (!issueId || subject === undefined || !manifest.items)
    throw new DigestError(`${where} has no readable digest.json: build the digest again`);
  if (manifest.items.length === 0)
    throw new DigestError(
      `digest ${issueId} in ${where} has no items, so there is nothing to send: build another period`,
    );
  if (!placeholders?.unsubscribeUrl || !placeholders.viewInBrowserUrl)
    throw new DigestError(
      `digest ${issueId} in ${where} was built by an older version: build it again before sending`,
    );
  // Files of two builds side by side (two runs writing one issue at once) carry two renders'
  // markers: the manifest's would fill some and leave the others in every message.
  const own = new Set([placeholders.unsubscribeUrl, placeholders.viewInBrowserUrl]);
  const foreign = [files.html, files.text]
    .flatMap((part) => part.match(PLACEHOLDER_PATTERN) ?? [])
    .find((marker) => !own.has(marker));
  if (foreign)
    throw new DigestError(
      `digest ${issueId} in ${where} mixes files of two builds (its message has a marker its digest.json does not name): build it again before sending`,
    );
  return {
    issueId,
    subject,
    template: { html: files.html, text: files.text, placeholders },
    viewInBrowserUrl: viewInBrowserUrl(issueId),
  };
}
