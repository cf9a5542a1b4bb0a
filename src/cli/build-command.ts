import { writeDigestFiles } from '../adapters/fs-output.js';
import { loadTemplates } from '../adapters/templates-fs.js';
import { createMessageFactory } from '../core/delivery/message-template.js';
import type { BuildResult } from '../core/render/build.js';
import { compileTemplates } from '../core/render/render.js';
import { messageContext, type Settings } from '../settings/settings.js';
import { buildFromSettings, issueOf, sourceFor } from '../workflows/local-build.js';
import { formatBuildReport } from './report.js';

/** Reads the briefings, builds, writes the outputs and returns the report to print. */
export async function runBuild(settings: Settings): Promise<{ result: BuildResult; report: string }> {
  const templates = compileTemplates(await loadTemplates(settings.templates));
  const result = await buildFromSettings(settings, templates, await sourceFor(settings));
  // The sample message is what a subscriber gets, made the way `digest send` makes it.
  const sample =
    result.output && (await createMessageFactory(issueOf(result, result.output), messageContext(settings)));
  const sampleMessage = sample && (await sample(settings.sampleRecipient));
  const draft = settings.approval === 'required';
  const manifest = draft ? { ...result.manifest, approval: 'required' as const } : result.manifest;
  const written = await writeDigestFiles(settings.out, {
    'digest.json': `${JSON.stringify(manifest, null, 2)}\n`,
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
  const report = formatBuildReport(result, written, { source: settings.source, verbose: settings.verbose });
  return {
    result,
    report:
      draft && result.output
        ? `${report}\n\nDraft: it needs approval before it is sent: read it, then run "digest approve --digest ${settings.out}".`
        : report,
  };
}
