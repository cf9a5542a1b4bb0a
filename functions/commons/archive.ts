import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { objectText, publishToS3Archive } from '../../src/adapters/archive-s3.js';
import type { ArchivedIssue } from '../../src/core/delivery/archive.js';
import {
  type IssueContent,
  issueFromFiles,
  SENDABLE_FILE,
  sendableFrom,
} from '../../src/core/delivery/issue.js';
import { DigestError } from '../../src/core/errors.js';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The issue archive in the bucket: `<prefix><issueId>/<file>`, and its index `<prefix>index.json`. */
export function issueArchive(client: S3Client, bucket: string, prefix: string) {
  const key = (issueId: string, name: string) => `${prefix}${issueId}/${name}`;
  return {
    async write(issueId: string, files: Record<string, string>): Promise<void> {
      await Promise.all(
        Object.entries(files).map(([name, body]) =>
          client.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key(issueId, name),
              Body: body,
              ContentType: CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
            }),
          ),
        ),
      );
    },
    /** Lists the issue in the archive's index, once (the site's listing and feed read it). */
    async publish(issue: ArchivedIssue): Promise<'published' | 'already-published'> {
      return publishToS3Archive(client, { bucket, prefix }, issue);
    },
    /**
     * The issue as the build archived it, ready to send; `link` gives its view-in-browser URL.
     * It is read from `message.json`, one object that one build wrote whole; an issue archived
     * before there was one is read from its three files (and refused if they are of two builds).
     */
    async issue(issueId: string, link: (issueId: string) => string): Promise<IssueContent> {
      const where = `${prefix}${issueId}`;
      const whole = await this.read(issueId, SENDABLE_FILE);
      if (whole !== undefined) return issueFromFiles(sendableFrom(whole, where), link, where);
      const [manifest, html, text] = await Promise.all(
        ['digest.json', 'message.html', 'message.txt'].map((name) => this.read(issueId, name)),
      );
      if (!manifest || !html || !text)
        throw new DigestError(
          `issue ${issueId} is not in the archive: run the build function for its week first`,
        );
      return issueFromFiles({ manifest, html, text }, link, where);
    },
    read(issueId: string, name: string): Promise<string | undefined> {
      return objectText(client, bucket, key(issueId, name));
    },
  };
}
