import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The issue archive in the bucket: `<prefix><issueId>/<file>`. */
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
    async read(issueId: string, name: string): Promise<string | undefined> {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(issueId, name) }));
        return await response.Body?.transformToString('utf8');
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
  };
}
