import type { Command } from 'commander';
import { writeDigestFiles } from '../adapters/fs-output.js';
import { readFolder } from '../adapters/fs-source.js';
import { loadTemplates } from '../adapters/templates-fs.js';
import { type BuildResult, buildDigest } from '../core/build.js';
import { UsageError } from '../core/errors.js';
import { createMessageFactory, type IssueContent } from '../core/message-template.js';
import type { PeriodRequest } from '../core/period.js';
import { type CompiledTemplates, compileTemplates } from '../core/render.js';
import type { SourceFile } from '../core/types.js';
import { formatBuildReport } from './report.js';
import { messageContext, periodRequest, type Settings } from './settings.js';

export function describeBuild(program: Command): Command {
  return program
    .command('build')
    .summary('build the digest from a folder or S3 prefix of briefings')
    .description(
      'Builds the digest of a period from briefings in a folder or an S3 prefix and writes digest.html, ' +
        'digest.txt, digest.json, a sample message digest.eml, and message.html/message.txt for `digest send`, to --out.',
    )
    .option('--source <dir|s3://bucket/prefix>', 'where the briefings are (default: briefings)')
    .option('--out <dir>', 'where to write the digest (default: out)')
    .option('--week <YYYY-Www|latest>', 'an ISO week, or the newest week that has briefings')
    .option('--since <YYYY-MM-DD>', 'first day of the period')
    .option('--until <YYYY-MM-DD>', 'last day of the period (default: today)')
    .option('--all', 'every briefing, whatever its date')
    .option('--now <ISO date>', 'the current time, for the default period (7 days ending now)')
    .option('--templates <dir>', 'templates that replace the bundled ones, file by file')
    .option('--time-zone <zone>', 'IANA time zone for weeks and dates (default: UTC)')
    .option('--s3-endpoint <url>', 'a local S3 endpoint (or set AWS_ENDPOINT_URL_S3)')
    .option('--max-briefing-bytes <n>', 'skip briefings larger than this (default: 2097152)');
}

/** Reads the briefings, builds, writes the outputs and returns the report to print. */
export async function runBuild(settings: Settings): Promise<{ result: BuildResult; report: string }> {
  const templates = compileTemplates(await loadTemplates(settings.templates));
  const result = await buildFromSettings(settings, templates, await readSource(settings));
  // The sample message is what a subscriber gets, made the way `digest send` makes it.
  const sample =
    result.output && (await createMessageFactory(issueOf(result, result.output), messageContext(settings)));
  const sampleMessage = sample && (await sample(settings.sampleRecipient));
  const written = await writeDigestFiles(settings.out, {
    'digest.json': `${JSON.stringify(result.manifest, null, 2)}\n`,
    ...(result.output
      ? {
          'digest.html': result.output.html,
          'digest.txt': result.output.text,
          ...(sampleMessage ? { 'digest.eml': sampleMessage.raw } : {}),
          'message.html': result.output.template.html,
          'message.txt': result.output.template.text,
        }
      : {}),
  });
  return { result, report: formatBuildReport(result, written, settings.source) };
}

/** Builds the digest the settings describe, from files already read, with compiled templates. */
export function buildFromSettings(
  settings: Settings,
  templates: CompiledTemplates,
  files: SourceFile[],
  period: PeriodRequest = periodRequest(settings),
): Promise<BuildResult> {
  return buildDigest(files, templates, {
    period,
    now: settings.now ? new Date(settings.now) : new Date(),
    timeZone: settings.timeZone,
    maxBytes: settings.maxBriefingBytes,
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

/** The source files, from a folder or an S3 prefix. */
export async function readSource(settings: Settings): Promise<SourceFile[]> {
  const s3 = await s3Source(settings);
  if (s3) return s3.adapter.readS3Prefix(s3.location, s3.options);
  return readFolder(settings.source, { maxBytes: settings.maxBriefingBytes });
}

/** The S3 source's objects without their content (for noticing changes cheaply); undefined for folders. */
export async function listS3Source(settings: Settings): Promise<SourceFile[] | undefined> {
  const s3 = await s3Source(settings);
  return s3?.adapter.listS3Prefix(s3.location, s3.options);
}

async function s3Source(settings: Settings) {
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
