import { isMap, parseDocument } from 'yaml';
import { DROPPED_REASON, formatIssueFile, parseIssueFile, readIssueFile } from '../core/digest/issue-file.js';
import {
  applySteerAction,
  changedKeys,
  type IssueFileStore,
  issueFileVersion,
  type ShownIssue,
  StaleIssueFileError,
  type SteerAction,
  SteerError,
} from '../core/digest/steer-actions.js';
import type { DigestManifest } from '../core/render/build.js';

/**
 * One steering action from the preview, carried out on the issue file where it is kept: read it
 * as it is now, refuse if it is not the version the page showed (`base`), apply the action, and
 * write back only the keys it changed, so the editor's comments and other keys stay as written.
 * Returns the file's new version; an action that changes nothing writes nothing.
 *
 * @example
 * await steerIssueFile(folderIssueFileStore('briefings'), {
 *   issue: shownIssueOf(manifest, 'issues/2026-W47.yaml'),
 *   base: state.issueFileVersion,
 *   action: { action: 'pin', file: '2026-11-18-copper.md' },
 * });
 */
export async function steerIssueFile(
  store: IssueFileStore,
  request: { issue: ShownIssue; base: string; action: SteerAction },
): Promise<{ written: boolean; version: string }> {
  const { path } = request.issue;
  const stored = await store.read(path);
  const text = stored.bytes === null ? null : readIssueFile(path, stored.bytes).text;
  if (stored.bytes !== null && text === null)
    throw new SteerError(`${path} is not UTF-8 text: save it as UTF-8 in your editor, then try again`);
  if (issueFileVersion(path, text) !== request.base) throw new StaleIssueFileError(path);
  if (text !== null && !isYamlMapping(text))
    throw new SteerError(`${path} is not a valid issue file: fix it in your editor, then try again`);

  const before = text === null ? {} : parseIssueFile(path, text).settings;
  const after = applySteerAction(before, request.action, request.issue);
  const keys = changedKeys(before, after);
  if (keys.length === 0) return { written: false, version: request.base };
  const next = formatIssueFile(after, text ?? undefined, keys);
  await store.write(path, next, stored);
  return { written: true, version: issueFileVersion(path, next) };
}

/**
 * The issue as a build's manifest shows it: its stories in order, the lead, and what the issue
 * file dropped (the names an action may use).
 */
export function shownIssueOf(manifest: DigestManifest, path: string): ShownIssue {
  const stories = manifest.items.map((item) => item.file);
  const dropped = manifest.skipped
    .filter((entry) => entry.reason === DROPPED_REASON)
    .map((entry) => entry.file);
  const leadFile = manifest.issueFile?.applied.lead;
  // The lead may name any briefing of a story grouped from several: the story is its first item.
  const leadStory = manifest.items.find(
    (item) => item.file === leadFile || item.alsoReportedBy.some((other) => other.file === leadFile),
  );
  return {
    issueId: manifest.issueId,
    path,
    stories,
    lead: leadStory && leadStory === manifest.items[0] ? leadStory.file : null,
    dropped,
    dates: Object.fromEntries(manifest.items.map((item) => [item.file, item.date])),
    briefings: [
      ...stories,
      ...manifest.items.flatMap((item) => item.alsoReportedBy.map((other) => other.file)),
      ...dropped,
    ],
  };
}

/** A file `formatIssueFile` can edit in place: anything else it would replace, losing what the editor wrote. */
function isYamlMapping(text: string): boolean {
  const document = parseDocument(text, { uniqueKeys: true });
  return document.errors.length === 0 && (document.contents === null || isMap(document.contents));
}
