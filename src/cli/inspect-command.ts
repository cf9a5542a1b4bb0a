import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { folderSource, readFolder, readSourceFile } from '../adapters/fs-source.js';
import {
  type InspectedBriefing,
  type InspectedIssueFile,
  inspectBriefing,
  inspectIssueFile,
} from '../core/digest/inspect.js';
import { isInIssuesFolder } from '../core/digest/issue-file.js';
import { SourceError } from '../core/errors.js';
import { formatDay } from '../core/ingest/dates.js';
import type { SourceFile } from '../core/types.js';
import type { Settings } from '../settings/settings.js';

type Inspected = InspectedBriefing | InspectedIssueFile;

/** Reads the paths (every one must exist) and returns what `digest inspect` prints. */
export async function runInspect(paths: string[], settings: Settings, json: boolean): Promise<string> {
  const found = (await Promise.all(paths.map((path) => filesAt(path, settings.maxBriefingBytes)))).flat();
  const options = { timeZone: settings.timeZone, maxBytes: settings.maxBriefingBytes };
  // Files are read under their name in their folder (as a build sees them) and shown by their path.
  const inspected: Inspected[] = found.map(({ file, path, issueFile }) => ({
    ...(issueFile ? inspectIssueFile(file, issueFile) : inspectBriefing(file, options)),
    file: path,
  }));
  if (json) return JSON.stringify(inspected, null, 2);
  if (inspected.length === 0)
    return 'No files found: give briefing files (.txt, .md, .json) or folders that hold them.';
  return inspected.map((entry) => describe(entry, settings.timeZone)).join('\n\n');
}

interface Found {
  file: SourceFile;
  path: string;
  /** For an issue file: the briefing files beside it, to check the names it gives. */
  issueFile?: { briefings?: string[]; scope: string };
}

async function filesAt(path: string, maxBytes: number): Promise<Found[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    const problem = error.code === 'ENOENT' ? 'no such file or folder' : `cannot read it (${error.code})`;
    throw new SourceError(`${path}: ${problem}: check the path`, { cause: error });
  });
  if (!info.isDirectory()) {
    // `briefings/issues/2026-W47.yaml`: an issue file, named as a build in `briefings` names it.
    if (basename(dirname(path)) === 'issues' && /\.ya?ml$/i.test(path)) {
      const source = dirname(dirname(path));
      const file = await readSourceFile(path, `issues/${basename(path)}`, maxBytes);
      const briefings = await briefingNames(source, maxBytes);
      return [{ file, path, issueFile: { ...(briefings ? { briefings } : {}), scope: source } }];
    }
    return [{ file: await readSourceFile(path, basename(path), maxBytes), path }];
  }
  const files = await readFolder(path, { maxBytes });
  const briefings = files.map((file) => file.name).filter((name) => !isInIssuesFolder(name));
  return files.map((file) => ({
    file,
    path: join(path, file.name),
    ...(isInIssuesFolder(file.name) ? { issueFile: { briefings, scope: path } } : {}),
  }));
}

/** The briefing files of a source folder, by name; undefined when it cannot be listed. */
async function briefingNames(folder: string, maxBytes: number): Promise<string[] | undefined> {
  const listed = await folderSource(folder, { maxBytes })
    .list()
    .catch(() => undefined);
  return listed?.map((file) => file.name).filter((name) => !isInIssuesFolder(name));
}

function describe(entry: Inspected, timeZone: string): string {
  if ('kind' in entry) return describeIssueFile(entry);
  if (!entry.ok) return `${entry.file}\n  skipped: ${entry.reason}`;
  const briefing = entry;
  const lines = [
    briefing.file,
    `  title:    ${briefing.title}  (from the ${briefing.titleOrigin})`,
    `  date:     ${formatDay(new Date(briefing.date), timeZone)}  (from the ${briefing.dateOrigin})`,
    `  source:   ${briefing.source ?? '—'}`,
    `  url:      ${briefing.url ?? '—'}`,
  ];
  if (briefing.tags.length > 0) lines.push(`  tags:     ${briefing.tags.join(', ')}`);
  const summary = briefing.summary === 'extracted' ? 'key sentences extracted (no highlights)' : 'highlights';
  lines.push(`  ${summary}:`, ...briefing.highlights.map((highlight) => `    • ${highlight}`));
  if (briefing.note) lines.push(`  note:     ${briefing.note}`);
  lines.push(
    `  body:     ${briefing.paragraphs.length} paragraph${briefing.paragraphs.length === 1 ? '' : 's'}`,
  );
  for (const paragraph of briefing.paragraphs) lines.push(`    ¶ ${paragraph}`);
  const repairs = briefing.repairs.map(({ kind, count }) => `${kind} ×${count}`).join(', ');
  lines.push(`  repaired: ${repairs || 'nothing'}`);
  return lines.join('\n');
}

function describeIssueFile(entry: InspectedIssueFile): string {
  const { settings } = entry;
  const lines = [entry.file, `  issue file of ${entry.issueId}`];
  const set = (label: string, value: string | undefined) => {
    if (value !== undefined) lines.push(`  ${`${label}:`.padEnd(10)}${value}`);
  };
  set('subject', settings.subject);
  set('preheader', settings.preheader);
  if (settings.intro !== undefined) {
    lines.push('  intro:');
    for (const line of settings.intro.split('\n')) lines.push(`    ${line}`.trimEnd());
  }
  set('lead', settings.lead);
  set('order', settings.order?.join(', '));
  set('drop', settings.drop?.join(', '));
  set('maxItems', settings.maxItems?.toString());
  if (Object.keys(settings).length === 0) lines.push('  sets nothing');
  lines.push(`  warnings: ${entry.warnings.length === 0 ? 'none' : ''}`.trimEnd());
  for (const warning of entry.warnings) lines.push(`    - ${warning}`);
  return lines.join('\n');
}
