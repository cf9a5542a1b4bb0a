import { DigestError } from '../errors.js';
import type { DigestManifest } from '../render/build.js';
import type { Placeholders } from '../render/view.js';

/** The finished issue, as a sender needs it. */
export interface IssueContent {
  issueId: string;
  subject: string;
  /** HTML and text with this render's per-recipient placeholders left in. */
  template: { html: string; text: string; placeholders: Placeholders };
  viewInBrowserUrl: string;
}

/**
 * The issue as `digest build` (or the build function) wrote it: `digest.json`, `message.html`
 * and `message.txt`. A digest built before placeholders were made per render cannot be sent.
 */
export function issueFromFiles(
  files: { manifest: string; html: string; text: string },
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
  return {
    issueId,
    subject,
    template: { html: files.html, text: files.text, placeholders },
    viewInBrowserUrl: viewInBrowserUrl(issueId),
  };
}
