import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readFolder, readSourceFile } from '../adapters/fs-source.js';
import { type InspectedBriefing, inspectBriefing } from '../core/digest/inspect.js';
import { SourceError } from '../core/errors.js';
import { formatDay } from '../core/ingest/dates.js';
import type { SourceFile } from '../core/types.js';
import type { Settings } from '../settings/settings.js';

/** Reads the paths (every one must exist) and returns what `digest inspect` prints. */
export async function runInspect(paths: string[], settings: Settings, json: boolean): Promise<string> {
  const found = (await Promise.all(paths.map((path) => filesAt(path, settings.maxBriefingBytes)))).flat();
  const options = { timeZone: settings.timeZone, maxBytes: settings.maxBriefingBytes };
  // Files are read under their name in their folder (as a build sees them) and shown by their path.
  const inspected = found.map(({ file, path }) => ({ ...inspectBriefing(file, options), file: path }));
  if (json) return JSON.stringify(inspected, null, 2);
  if (inspected.length === 0)
    return 'No files found: give briefing files (.txt, .md, .json) or folders that hold them.';
  return inspected.map((briefing) => describe(briefing, settings.timeZone)).join('\n\n');
}

async function filesAt(path: string, maxBytes: number): Promise<{ file: SourceFile; path: string }[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    const problem = error.code === 'ENOENT' ? 'no such file or folder' : `cannot read it (${error.code})`;
    throw new SourceError(`${path}: ${problem}: check the path`, { cause: error });
  });
  if (!info.isDirectory()) return [{ file: await readSourceFile(path, basename(path), maxBytes), path }];
  const files = await readFolder(path, { maxBytes });
  return files.map((file) => ({ file, path: join(path, file.name) }));
}

function describe(briefing: InspectedBriefing, timeZone: string): string {
  if (!briefing.ok) return `${briefing.file}\n  skipped: ${briefing.reason}`;
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
