import type { Command } from 'commander';
import { writeDigestFiles } from '../adapters/fs-output.js';
import { loadTemplates } from '../adapters/templates-fs.js';
import { createMessageFactory } from '../core/delivery/message-template.js';
import type { BuildResult } from '../core/render/build.js';
import { compileTemplates } from '../core/render/render.js';
import { messageContext, type Settings } from '../settings/settings.js';
import { buildFromSettings, issueOf, readSource } from '../workflows/local-build.js';
import { formatBuildReport } from './report.js';

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
