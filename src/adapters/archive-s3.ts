import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  ARCHIVE_INDEX,
  type ArchivedIssue,
  ArchiveIndexError,
  type ArchiveReaderOptions,
  type IssueArchive,
  isIssueId,
  parseArchiveIndex,
  serializeArchiveIndex,
  withIssue,
} from '../core/delivery/archive.js';
import { DigestError } from '../core/errors.js';

/** Where the archive is in the bucket: `<prefix>index.json` and `<prefix><issueId>/digest.html`. */
export interface S3ArchiveLocation {
  bucket: string;
  /** The archive's key prefix, with its trailing slash (`archive/`). */
  prefix: string;
}

/** Writers that raced on the index (two builds at once) try again this many times in all. */
const PUBLISH_ATTEMPTS = 3;

/**
 * The archive in the bucket, as the site reads it. An index that is missing, unreadable
 * (AccessDenied) or corrupt reads as an empty archive, and `onIndexProblem` says why; other S3
 * errors (network, throttling) are thrown, so a passing outage is an error page and not an empty
 * archive. An issue id that could not be a key of the archive is never looked up.
 *
 * @example
 * const archive = s3Archive(createS3Client(), { bucket, prefix: 'archive/' }, { onIndexProblem: (problem) => logger.warn(problem.message) });
 */
export function s3Archive(
  client: S3Client,
  location: S3ArchiveLocation,
  options: ArchiveReaderOptions = {},
): IssueArchive {
  return {
    async issues() {
      const { issues, problem } = await readS3ArchiveIndex(client, location);
      if (problem) options.onIndexProblem?.(problem);
      return issues;
    },
    async html(issueId) {
      if (!isIssueId(issueId)) return undefined;
      return objectText(client, location.bucket, `${location.prefix}${issueId}/digest.html`);
    },
  };
}

/** An object's text, or undefined when there is no such key; other errors are thrown. */
export async function objectText(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await response.Body?.transformToString('utf8');
  } catch (error) {
    if (errorName(error) === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** The index as it is now, with its ETag (to write it back only if nobody changed it meanwhile). */
export async function readS3ArchiveIndex(
  client: S3Client,
  location: S3ArchiveLocation,
): Promise<{ issues: ArchivedIssue[]; etag?: string; problem?: ArchiveIndexError }> {
  const key = `${location.prefix}${ARCHIVE_INDEX}`;
  const where = `s3://${location.bucket}/${key}`;
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
    const parsed = parseArchiveIndex((await response.Body?.transformToString('utf8')) ?? '', where);
    return response.ETag ? { ...parsed, etag: response.ETag } : parsed;
  } catch (error) {
    const name = errorName(error);
    if (name === 'NoSuchKey')
      return {
        issues: [],
        problem: new ArchiveIndexError('missing', `${where} does not exist: nothing is archived yet`),
      };
    if (name === 'AccessDenied')
      return {
        issues: [],
        problem: new ArchiveIndexError(
          'unreadable',
          // S3 answers a missing key with AccessDenied to a role that may not list the bucket.
          `${where} could not be read (AccessDenied): give this function s3:GetObject on it (before the first issue, S3 also says AccessDenied for a missing index to a role without s3:ListBucket)`,
          { cause: error },
        ),
      };
    throw error;
  }
}

/**
 * Adds the issue to `<prefix>index.json`, once: an issue already listed is left as it is. The
 * index is written only if it is still the one that was read (If-Match its ETag, or
 * If-None-Match when there was none), so two builds at once cannot lose each other's issue:
 * the loser reads again and retries. A corrupt index is never written over. A role allowed to
 * read only the index itself (no s3:ListBucket) is told AccessDenied for a missing one: that is
 * taken as missing, and the If-None-Match write fails if it was not.
 *
 * @example
 * await publishToS3Archive(s3, { bucket, prefix: 'archive/' }, { issueId: '2026-W47', subject, preheader, publishedAt });
 */
export async function publishToS3Archive(
  client: S3Client,
  location: S3ArchiveLocation,
  issue: ArchivedIssue,
): Promise<'published' | 'already-published'> {
  const key = `${location.prefix}${ARCHIVE_INDEX}`;
  for (let attempt = 1; ; attempt++) {
    const index = await readS3ArchiveIndex(client, location);
    if (index.problem?.reason === 'corrupt') throw index.problem;
    if (index.issues.some((entry) => entry.issueId === issue.issueId)) return 'already-published';
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: key,
          Body: serializeArchiveIndex(withIssue(index.issues, issue)),
          ContentType: 'application/json; charset=utf-8',
          ...(index.etag ? { IfMatch: index.etag } : { IfNoneMatch: '*' }),
        }),
      );
      return 'published';
    } catch (error) {
      const raced = ['PreconditionFailed', 'ConditionalRequestConflict'].includes(errorName(error));
      if (!raced) throw error;
      if (attempt < PUBLISH_ATTEMPTS) continue;
      throw new DigestError(
        index.problem
          ? index.problem.message
          : `s3://${location.bucket}/${key} kept changing while ${issue.issueId} was being added: run the build again`,
        { cause: error },
      );
    }
  }
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
}
