import { folderSource } from '../adapters/fs-source.js';
import { folderIssueFileStore } from '../adapters/issue-file-store.js';
import type { IssueContent } from '../core/delivery/message-template.js';
import type { PeriodRequest } from '../core/digest/period.js';
import type { IssueFileStore } from '../core/digest/steer-actions.js';
import { UsageError } from '../core/errors.js';
import { type BuildResult, buildDigest } from '../core/render/build.js';
import type { CompiledTemplates } from '../core/render/render.js';
import type { BriefingSource, SourceFile } from '../core/types.js';
import { periodRequest, type Settings } from '../settings/settings.js';

/**
 * Building from local settings, shared by `digest build` and the preview: where the briefings
 * are read from (a folder or an S3 prefix) and how the settings become the build's options.
 */

/** Builds the digest the settings describe, from a source, with compiled templates. */
export function buildFromSettings(
  settings: Settings,
  templates: CompiledTemplates,
  files: BriefingSource | SourceFile[],
  period: PeriodRequest = periodRequest(settings),
): Promise<BuildResult> {
  return buildDigest(files, templates, {
    period,
    now: settings.now ? new Date(settings.now) : new Date(),
    timeZone: settings.timeZone,
    maxBytes: settings.maxBriefingBytes,
    dateSlackDays: settings.dateSlack,
    maxItems: settings.maxItems,
    publication: {
      newsletterName: settings.newsletterName,
      postalAddress: settings.postalAddress,
      ...(settings.homepageUrl ? { homepageUrl: settings.homepageUrl } : {}),
    },
    unsubscribeUrl: settings.unsubscribeUrl,
    archiveUrl: settings.archiveUrl,
  });
}

/** The built issue as senders need it. */
export function issueOf(result: BuildResult, output: NonNullable<BuildResult['output']>): IssueContent {
  return {
    issueId: result.digest.issueId,
    subject: result.digest.subject,
    template: output.template,
    viewInBrowserUrl: output.viewInBrowserUrl,
  };
}

/** Where the settings' briefings are: a folder or an S3 prefix. */
export async function sourceFor(settings: Settings): Promise<BriefingSource> {
  const s3 = await s3Settings(settings);
  if (s3) return s3.adapter.s3Source(s3.location, s3.options);
  return folderSource(settings.source, { maxBytes: settings.maxBriefingBytes });
}

/** Where the settings' issue files are kept: beside the briefings, in their folder or S3 prefix. */
export async function issueFileStoreFor(settings: Settings): Promise<IssueFileStore> {
  const s3 = await s3Settings(settings);
  if (!s3) return folderIssueFileStore(settings.source);
  const { s3IssueFileStore } = await import('../adapters/issue-file-s3.js');
  return s3IssueFileStore(s3.location, s3.adapter.createS3Client(s3.options.endpoint));
}

/** The S3 source's objects without their content (for noticing changes cheaply); undefined for folders. */
export async function listS3Source(settings: Settings): Promise<SourceFile[] | undefined> {
  const s3 = await s3Settings(settings);
  return s3?.adapter.listS3Prefix(s3.location, s3.options);
}

async function s3Settings(settings: Settings) {
  if (!settings.source.startsWith('s3://')) return undefined;
  // The AWS SDK is loaded only for S3 sources.
  const adapter = await import('../adapters/s3-source.js');
  const location = adapter.parseS3Url(settings.source);
  if (!location)
    throw new UsageError(`--source ${settings.source} is not a valid S3 URL: use s3://bucket/prefix`);
  const options = {
    maxBytes: settings.maxBriefingBytes,
    ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint } : {}),
  };
  return { adapter, location, options };
}
