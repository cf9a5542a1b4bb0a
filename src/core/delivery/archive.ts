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

/**
 * The index with an issue in it, newest first. An issue already listed keeps its first entry: an
 * issue is published once, and a re-run of its send or build does not move it.
 *
 * @example
 * withIssue([], { issueId: '2026-W47', subject: 'Copper', preheader: '…', publishedAt: '2026-11-23T08:00:00Z' })
 */
export function withIssue(index: ArchivedIssue[], issue: ArchivedIssue): ArchivedIssue[] {
  if (index.some((entry) => entry.issueId === issue.issueId)) return index;
  return [...index, issue].sort(
    (a, b) => b.publishedAt.localeCompare(a.publishedAt) || b.issueId.localeCompare(a.issueId),
  );
}
