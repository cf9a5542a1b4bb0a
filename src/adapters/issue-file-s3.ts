import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type IssueFileStore, StaleIssueFileError } from '../core/digest/steer-actions.js';
import { SourceError } from '../core/errors.js';
import { awsHint } from './aws-errors.js';
import { checkedPath } from './issue-file-store.js';
import { prefixFolder, type S3Location } from './s3-source.js';

/**
 * Issue files under the briefings' S3 prefix (`<prefix>/issues/<issueId>.yaml`), written with
 * one PutObject. The put is conditional on the object read before it (its ETag, or that there
 * was none), so on S3 an editor's upload in between is refused rather than overwritten; stores
 * that ignore the condition (s3rver) just put.
 */
export function s3IssueFileStore(location: S3Location, client: S3Client): IssueFileStore {
  const keyOf = (path: string) => `${prefixFolder(location)}${checkedPath(path)}`;
  return {
    read: async (path) => {
      try {
        const response = await client.send(
          new GetObjectCommand({ Bucket: location.bucket, Key: keyOf(path) }),
        );
        const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
        return { bytes, ...(response.ETag ? { revision: response.ETag } : {}) };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return { bytes: null };
        throw s3Error(error, location, keyOf(path), 'read');
      }
    },
    write: async (path, text, replacing) => {
      const condition =
        replacing.bytes === null
          ? { IfNoneMatch: '*' }
          : replacing.revision
            ? { IfMatch: replacing.revision }
            : {};
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: location.bucket,
            Key: keyOf(path),
            Body: text,
            ContentType: 'application/yaml; charset=utf-8',
            ...condition,
          }),
        );
      } catch (error) {
        const name = (error as { name?: string }).name;
        // 412: the object is not the one read; 409: another conditional write to it is under way.
        if (name === 'PreconditionFailed' || name === 'ConditionalRequestConflict')
          throw new StaleIssueFileError(path, { cause: error });
        throw s3Error(error, location, keyOf(path), 'write');
      }
    },
  };
}

function s3Error(error: unknown, location: S3Location, key: string, action: 'read' | 'write'): SourceError {
  const name = (error as { name?: string }).name ?? 'error';
  const hint =
    awsHint(error, 'S3', '--s3-endpoint') ?? `${name}: ${(error as Error).message ?? String(error)}`;
  return new SourceError(`cannot ${action} s3://${location.bucket}/${key}: ${hint}`, { cause: error });
}
