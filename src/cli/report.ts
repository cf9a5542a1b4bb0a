import { statSync } from 'node:fs';
import { formatDay, formatRange } from '../core/ingest/dates.js';
import type { BuildResult } from '../core/render/build.js';

/** The short summary `digest build` prints: what went in, what was left out and why, where to look. */
export function formatBuildReport(
  result: BuildResult,
  written: string[],
  options: { source: string; verbose: boolean },
): string {
  const { source } = options;
  const { digest, output } = result;
  const { period } = digest;
  const when =
    period.kind === 'all' ? 'all briefings' : formatRange(period.start, period.end, period.timeZone);
  const lines = [
    `Digest ${digest.issueId} (${when}): ${digest.items.length} item${digest.items.length === 1 ? '' : 's'}`,
  ];
  const { issueFile, groups } = result.manifest;
  if (issueFile) lines.push(`  Issue file: ${issueFile.path} (${describeIssueFile(issueFile.applied)})`);
  if (digest.items.length > 0) {
    lines.push(`  Subject:   ${digest.subject}`, `  Preheader: ${digest.preheader}`, '', 'Included:');
    digest.items.forEach((item, index) => {
      const details = [
        item.source,
        formatDay(item.date, period.timeZone),
        item.summary === 'extracted' ? 'key sentences extracted' : undefined,
      ]
        .filter(Boolean)
        .join(', ');
      // One line an item: a week of fifty briefings still reads on one screen.
      const also =
        item.alsoReportedBy.length > 0
          ? `; also ${item.alsoReportedBy.map((other) => other.file).join(', ')}`
          : '';
      lines.push(`  ${index + 1}. ${item.title} (${item.file}: ${details}${also})`);
    });
  } else {
    lines.push(`  ${nothingToRender(result, source)}`);
  }
  if (digest.skipped.length > 0) {
    lines.push('', `Skipped ${digest.skipped.length} file${digest.skipped.length === 1 ? '' : 's'}:`);
    for (const skipped of digest.skipped) lines.push(`  - ${skipped.file}: ${skipped.reason}`);
  }
  // An archive of years holds thousands of other weeks' files: one line says how many.
  const outside = result.outsideThePeriod;
  if (outside.length > 0) {
    const count = outside.length.toLocaleString('en');
    lines.push(
      '',
      `${count} file${outside.length === 1 ? '' : 's'} outside the period${options.verbose ? ':' : ' (--verbose lists them).'}`,
    );
    if (options.verbose) for (const file of outside) lines.push(`  - ${file.file}: ${file.reason}`);
  }
  if (groups.length > 0) {
    lines.push(
      '',
      `Grouped ${groups.length} event${groups.length === 1 ? '' : 's'} reported by several briefings:`,
    );
    for (const group of groups)
      lines.push(`  - ${[group.kept, ...group.also].join(' + ')}: share ${group.shared.join(', ')}`);
  }
  const { beyondMaxItems, maxItems } = result.manifest;
  if (beyondMaxItems.length > 0)
    lines.push(
      '',
      `${beyondMaxItems.length} item(s) after the first ${maxItems} shown as title-only links ("More this week").`,
    );
  if (result.manifest.collapsedItems.length > 0) {
    lines.push(
      '',
      `${result.manifest.collapsedItems.length} item(s) shown as title-only links to keep the email under Gmail's 102 KB clip.`,
    );
  }
  for (const warning of issueFile?.warnings ?? []) lines.push(`Issue file warning: ${warning}`);
  for (const warning of output?.warnings ?? []) lines.push(`Template warning: ${warning}`);
  lines.push('', 'Wrote:');
  for (const path of written) lines.push(`  ${path} (${formatSize(statSync(path).size)})`);
  const html = written.find((path) => path.endsWith('digest.html'));
  if (html)
    lines.push(
      '',
      `Open ${html} in a browser to see the digest; digest.eml is the message a subscriber gets.`,
    );
  return lines.join('\n');
}

/** What an issue file changed, in a few words: `lead a.md, 2 dropped, subject, maxItems 8`. */
function describeIssueFile(applied: NonNullable<BuildResult['manifest']['issueFile']>['applied']): string {
  const parts = [
    applied.lead && `lead ${applied.lead}`,
    applied.order.length > 0 && `${applied.order.length} ordered`,
    applied.dropped.length > 0 && `${applied.dropped.length} dropped`,
    applied.subject && 'subject',
    applied.preheader && 'preheader',
    applied.intro && 'intro',
    applied.maxItems && `maxItems ${applied.maxItems}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'changes nothing';
}

/** Why there is no digest, and the next step that can help (never one the editor already took). */
function nothingToRender(result: BuildResult, source: string): string {
  const { listed } = result.manifest.sources;
  if (listed === 0) return `No briefings in ${source}: add .md, .txt or .json files, or check --source.`;
  if (result.dates.length === 0)
    return `None of the ${listed} file(s) in ${source} is a usable briefing: see why below.`;
  const { kind } = result.digest.period;
  if (kind === 'all') return 'No briefings, so no digest was rendered.';
  const newest = new Date(Math.max(...result.dates.map(Number)));
  const hint = kind === 'week' || kind === 'range' ? ' Try --week latest or --all.' : '';
  return `No briefings fall in this period (the newest is dated ${formatDay(newest, result.digest.period.timeZone)}), so no digest was rendered.${hint}`;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}
