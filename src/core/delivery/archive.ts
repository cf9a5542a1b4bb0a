import { DigestError } from '../errors.js';
import type { DeliverySummary } from './deliver.js';

/**
 * The public archive: every issue that went out, as the site lists it (`/archive/`, `/feed.xml`)
 * and serves it (`/archive/<issueId>`). Its index is one small document beside the issues, so a
 * listing or a feed reads one object, not the whole archive.
 */
export interface ArchivedIssue {
  issueId: string;
  subject: string;
  preheader: string;
  /** When the issue went out (ISO 8601): the first real send locally, the build on AWS. */
  publishedAt: string;
}

/** Where the site reads the archive from: a folder locally, the bucket's `archive/` prefix on AWS. */
export interface IssueArchive {
  /** Every archived issue, newest first. */
  issues(): Promise<ArchivedIssue[]>;
  /** The archived HTML of one issue (generic links, no recipient data), or undefined. */
  html(issueId: string): Promise<string | undefined>;
}

/** How a reader of the archive tells its caller why the index could not be used. */
export interface ArchiveReaderOptions {
  /**
   * Called when `issues()` cannot use the index, which then reads as empty (or, when only some
   * entries are bad, as the good ones): log `problem.message`. A `missing` index is normal until
   * the first issue is archived.
   */
  onIndexProblem?: (problem: ArchiveIndexError) => void;
}

/** The index's name beside the issues: `<archive>/index.json`. */
export const ARCHIVE_INDEX = 'index.json';

/**
 * Issue ids as they may become a folder or a key: `2026-W47`, `2026-11-19_2026-11-25`,
 * `all-3f2a…`. Starting with a word character rules out `.`, `..` and hidden names.
 */
const ISSUE_ID = /^\w[\w.-]{0,63}$/;

/** Whether `issueId` may name a folder or key of the archive (never `.`, `..`, a slash or a space). */
export function isIssueId(issueId: string): boolean {
  return ISSUE_ID.test(issueId);
}

/**
 * Why an archive's index could not be used: `missing` (nothing archived yet: normal before the
 * first issue), `unreadable` (the file or object could not be read: permissions, I/O) or
 * `corrupt` (not JSON, or not an index). Readers report it and read an empty archive; writers
 * refuse to write over it.
 */
export class ArchiveIndexError extends DigestError {
  override name = 'ArchiveIndexError';
  constructor(
    readonly reason: 'missing' | 'unreadable' | 'corrupt',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Reads an index document (`{ "issues": [ … ] }`). Entries that are not valid issues (an id that
 * could not be a folder name, a date that is no date) are left out and named in `problem`, so
 * one bad entry never hides the rest; a document that is not an index gives no issues and a
 * `corrupt` problem.
 *
 * @example
 * parseArchiveIndex('{"issues":[]}', 'archive/index.json') // { issues: [] }
 */
export function parseArchiveIndex(
  text: string,
  where: string,
): { issues: ArchivedIssue[]; problem?: ArchiveIndexError } {
  const corrupt = (detail: string, cause?: unknown) => ({
    issues: [],
    problem: new ArchiveIndexError(
      'corrupt',
      `${where} is not an archive index (${detail}): fix it or restore it from a backup`,
      cause === undefined ? undefined : { cause },
    ),
  });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return corrupt((error as Error).message, error);
  }
  const entries = (document as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(entries)) return corrupt('it has no "issues" list');
  const issues = entries.filter(isArchivedIssue).map(({ issueId, subject, preheader, publishedAt }) => ({
    issueId,
    subject,
    preheader,
    publishedAt,
  }));
  const invalid = entries.length - issues.length;
  if (invalid === 0) return { issues: sortedNewestFirst(issues) };
  return {
    issues: sortedNewestFirst(issues),
    problem: new ArchiveIndexError(
      'corrupt',
      `${where}: ${invalid} of ${entries.length} entries are not valid issues (an issueId, subject, preheader and ISO publishedAt each) and are left out: fix them`,
    ),
  };
}

/** The index document for these issues: what `parseArchiveIndex` reads back. */
export function serializeArchiveIndex(issues: readonly ArchivedIssue[]): string {
  return `${JSON.stringify({ issues }, null, 2)}\n`;
}

/**
 * The index with an issue in it, newest first. An issue already listed keeps its first entry: an
 * issue is published once, and a re-run of its send or build does not move it.
 *
 * @example
 * withIssue([], { issueId: '2026-W47', subject: 'Copper', preheader: '…', publishedAt: '2026-11-23T08:00:00Z' })
 */
export function withIssue(index: ArchivedIssue[], issue: ArchivedIssue): ArchivedIssue[] {
  if (index.some((entry) => entry.issueId === issue.issueId)) return index;
  return sortedNewestFirst([...index, issue]);
}

/**
 * Whether a send put the issue in the archive's reach: a real send (not a dry run) through which
 * at least one message went out, in this run or an earlier one to the same destination. A run
 * that stopped before anything went out (SES out of reach) archives nothing; the next run that
 * sends does.
 */
export function wentOut(summary: Pick<DeliverySummary, 'dryRun' | 'sent' | 'alreadySent'>): boolean {
  return !summary.dryRun && summary.sent + summary.alreadySent > 0;
}

function sortedNewestFirst(issues: ArchivedIssue[]): ArchivedIssue[] {
  return issues.sort(
    (a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || b.issueId.localeCompare(a.issueId),
  );
}

function isArchivedIssue(entry: unknown): entry is ArchivedIssue {
  const { issueId, subject, preheader, publishedAt } = (entry ?? {}) as Record<string, unknown>;
  return (
    typeof issueId === 'string' &&
    isIssueId(issueId) &&
    typeof subject === 'string' &&
    typeof preheader === 'string' &&
    typeof publishedAt === 'string' &&
    /^\d{4}-\d{2}-\d{2}T/.test(publishedAt) &&
    !Number.isNaN(Date.parse(publishedAt))
  );
}
