import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { temporaryFolder } from './briefings.js';
import { startServerProcess } from './processes.js';

/** s3rver checks credentials: these are the ones it accepts. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  client: S3Client;
  put: (bucket: string, key: string, body: string | Uint8Array) => Promise<void>;
  close: () => Promise<void>;
}

/** A real S3-compatible server (s3rver) on 127.0.0.1 with an ephemeral port, in its own process. */
export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const server = await startServerProcess(
    join(import.meta.dirname, 's3rver-process.mjs'),
    [temporaryFolder('s3rver-')],
    ['--openssl-legacy-provider'],
  );
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    put: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await server.stop();
    },
  };
}
