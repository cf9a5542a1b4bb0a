import { type ReadOptions, readBriefing } from '../ingest/briefing.js';
import { cleanupCounts } from '../ingest/clean.js';
import { decodeBriefingBytes } from '../ingest/decode.js';
import type { DateOrigin, Repair, SourceFile, TitleOrigin } from '../types.js';
import { type IssueFileSettings, readIssueFile, steerIssue } from './issue-file.js';
import { toItem } from './summarize.js';

/** How one briefing reads after cleaning: the shape `digest inspect --json` prints. */
export type InspectedBriefing =
  | {
      file: string;
      ok: true;
      title: string;
      titleOrigin: TitleOrigin;
      date: string;
      dateOrigin: DateOrigin;
      source: string | null;
      url: string | null;
      tags: string[];
      highlights: string[];
      summary: 'highlights' | 'extracted';
      note: string | null;
      paragraphs: string[];
      repairs: Repair[];
    }
  | { file: string; ok: false; reason: string };

/**
 * Reads one briefing the way a build does and says what came out and what was repaired, so an
 * editor can see why a briefing looks the way it does.
 */
export function inspectBriefing(file: SourceFile, options: ReadOptions): InspectedBriefing {
  const result = readBriefing(file, options);
  if (!result.ok) return { file: file.name, ok: false, reason: result.skipped.reason };
  const { briefing } = result;
  const item = toItem(briefing);
  const decoded = file.bytes ? decodeBriefingBytes(file.bytes) : undefined;
  const cleanup = decoded?.ok ? cleanupCounts(decoded.text) : { html: 0, residue: 0 };
  const repairs = [
    ...briefing.repairs,
    ...(['html', 'residue'] as const)
      .filter((kind) => cleanup[kind] > 0)
      .map((kind) => ({ kind, count: cleanup[kind] })),
  ];
  return {
    file: file.name,
    ok: true,
    title: briefing.title,
    titleOrigin: briefing.titleOrigin,
    date: briefing.date.toISOString(),
    dateOrigin: briefing.dateOrigin,
    source: briefing.source ?? null,
    url: briefing.url ?? null,
    tags: briefing.tags,
    highlights: item.highlights,
    summary: item.summary,
    note: item.note ?? null,
    paragraphs: briefing.paragraphs,
    repairs,
  };
}

/** How an issue file reads: what it sets and what it could not use (`digest inspect --json`). */
export interface InspectedIssueFile {
  file: string;
  ok: true;
  kind: 'issue file';
  /** The issue it steers: its file name without `.yaml`. */
  issueId: string;
  settings: IssueFileSettings;
  warnings: string[];
}

/**
 * Reads an issue file (`issues/<issueId>.yaml`) and says what it sets and what it cannot use.
 * Given the names of the files beside it (`briefings`, relative to the source, as `scope` names
 * it), it also says which names match no briefing file there, whatever its date.
 */
export function inspectIssueFile(
  file: SourceFile,
  context: { briefings?: readonly string[]; scope: string },
): InspectedIssueFile {
  const issueId = (file.name.split('/').at(-1) ?? file.name).replace(/\.ya?ml$/i, '');
  const { file: issueFile } = readIssueFile(file.name, file.bytes);
  const steered = context.briefings
    ? steerIssue(issueFile, { issueId, briefings: context.briefings, skipped: [], scope: context.scope })
        .warnings
    : issueFile.warnings;
  // A build reads only `issues/<issueId>.yaml`, its issue id exactly: say so of any other name.
  const named = /^(?:\d{4}-W\d{2}|\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2})\.yaml$/.test(
    file.name.split('/').at(-1) ?? '',
  );
  const warnings = named
    ? steered
    : [
        `${file.name}: no build reads it: an issue file is named after its issue, such as issues/2026-W47.yaml (or issues/2026-11-16_2026-11-22.yaml for --since/--until)`,
        ...steered,
      ];
  return { file: file.name, ok: true, kind: 'issue file', issueId, settings: issueFile.settings, warnings };
}
