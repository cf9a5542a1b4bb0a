import { GetObjectCommand, paginateListObjectsV2, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { mapConcurrent } from '../core/concurrency.js';
import { SourceError } from '../core/errors.js';
import type { BriefingSource, SourceFile } from '../core/types.js';
import { awsHint } from './aws-errors.js';
import { awsRegion } from './aws-region.js';

export interface S3Location {
  bucket: string;
  /** Key prefix, without a leading slash; empty for the whole bucket. */
  prefix: string;
}

/** The prefix as a folder (`briefings` → `briefings/`): keys below it are `<folder><name>`. */
export function prefixFolder(location: S3Location): string {
  return location.prefix === '' || location.prefix.endsWith('/') ? location.prefix : `${location.prefix}/`;
}

/** Parses `s3://bucket/prefix`. */
export function parseS3Url(url: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) return undefined;
  return { bucket: match[1] ?? '', prefix: match[2] ?? '' };
}

export interface S3SourceOptions {
  maxBytes: number;
  /** GetObject calls in flight at once. */
  concurrency?: number;
  /** Keys per ListObjectsV2 page (S3's default is 1,000). */
  pageSize?: number;
  /** A local S3 (s3rver, MinIO): path-style addressing and no streaming checksums. */
  endpoint?: string;
  client?: S3Client;
}

/** An S3 client from the standard credential and region chain, pointed at `endpoint` if given. */
export function createS3Client(endpoint?: string): S3Client {
  const config: S3ClientConfig = {
    region: awsRegion(),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  const override = endpoint ?? process.env.AWS_ENDPOINT_URL_S3;
  if (override) {
    config.endpoint = override;
    config.forcePathStyle = true;
  }
  return new S3Client(config);
}

/** An object found under the prefix: its key, and the source file it will become. */
interface ListedObject {
  key: string;
  file: SourceFile;
}

/**
 * Lists every object under the prefix (all pages) without downloading anything: names relative
 * to the prefix, sizes and modified times. "Folder" markers are ignored.
 */
export async function listS3Prefix(location: S3Location, options: S3SourceOptions): Promise<SourceFile[]> {
  return (
    await listObjects(location, options.client ?? createS3Client(options.endpoint), options.pageSize)
  ).map((object) => object.file);
}

/**
 * An S3 prefix of briefings as a source: one listing (all pages) for the names, sizes and
 * modified times; objects are downloaded only when asked for, a few at a time. Objects over
 * `maxBytes` are never downloaded.
 */
export function s3Source(location: S3Location, options: S3SourceOptions): BriefingSource {
  const client = options.client ?? createS3Client(options.endpoint);
  const listed = new Map<string, ListedObject>();
  return {
    list: async () =>
      (await listObjects(location, client, options.pageSize)).map((object) => {
        listed.set(object.file.name, object);
        return object.file;
      }),
    read: (files) =>
      mapConcurrent(files, options.concurrency ?? 16, async (wanted): Promise<SourceFile> => {
        const { key, file } = listed.get(wanted.name) ?? {
          key: wanted.name,
          file: { modified: new Date(0), size: 0, ...wanted },
        };
        if (file.size > options.maxBytes) return file;
        try {
          const response = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
          const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
          return { ...file, modified: response.LastModified ?? file.modified, size: bytes.length, bytes };
        } catch (error) {
          // Deleted or renamed since the listing: accounted for, not fatal.
          if ((error as { name?: string }).name === 'NoSuchKey') return { ...file, gone: true };
          throw s3Error(error, `s3://${location.bucket}/${key}`, 'read');
        }
      }),
  };
}

/** Lists and downloads every object under the prefix (tools that need them all). */
export async function readS3Prefix(location: S3Location, options: S3SourceOptions): Promise<SourceFile[]> {
  const source = s3Source(location, options);
  const files: SourceFile[] = [];
  for await (const file of source.read(await source.list())) files.push(file);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

async function listObjects(
  location: S3Location,
  client: S3Client,
  pageSize?: number,
): Promise<ListedObject[]> {
  const base = prefixFolder(location);
  const listed: ListedObject[] = [];
  try {
    for await (const page of paginateListObjectsV2(
      { client, ...(pageSize ? { pageSize } : {}) },
      { Bucket: location.bucket, Prefix: location.prefix },
    )) {
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        const name = object.Key.startsWith(base) ? object.Key.slice(base.length) : object.Key;
        listed.push({
          key: object.Key,
          file: { name, size: object.Size ?? 0, modified: object.LastModified ?? new Date(0) },
        });
      }
    }
  } catch (error) {
    throw s3Error(error, `s3://${location.bucket}/${location.prefix}`, 'list');
  }
  return listed.sort((a, b) => a.file.name.localeCompare(b.file.name));
}

function s3Error(error: unknown, where: string, action: 'list' | 'read'): SourceError {
  const name = (error as { name?: string }).name ?? '';
  const hint =
    name === 'NoSuchBucket'
      ? 'the bucket does not exist: check the bucket name in --source'
      : (awsHint(error, 'S3', '--s3-endpoint') ??
        `${name || 'error'}: ${(error as Error).message ?? String(error)}`);
  return new SourceError(`cannot ${action} ${where}: ${hint}`, { cause: error });
}
