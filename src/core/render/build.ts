import { type PeriodRequest, resolvePeriod } from '../digest/period.js';
import { selectBriefings } from '../digest/select.js';
import { summarize } from '../digest/summarize.js';
import { type ReadOptions, readBriefing } from '../ingest/briefing.js';
import type { Briefing, Digest, SkippedFile, SourceFile } from '../types.js';
import { type CompiledTemplates, personalize, renderDigest } from './render.js';
import type { Placeholders, Publication } from './view.js';

export interface BuildSettings extends ReadOptions {
  period: PeriodRequest;
  now: Date;
  publication: Publication;
  /** The list's unsubscribe page: the archived copy links there, without a personal token. */
  unsubscribeUrl: string;
  /** Where the archived copy will live; `{issueId}` is replaced. */
  archiveUrl: string;
}

/** `digest.json`: the contract other tools read. */
export interface DigestManifest {
  issueId: string;
  subject: string;
  preheader: string;
  period: { start: string; end: string; timeZone: string };
  items: {
    id: string;
    /** The briefing file the item comes from, as the source names it. */
    file: string;
    title: string;
    date: string;
    source: string | null;
    url: string | null;
    highlights: string[];
    summary: 'highlights' | 'extracted';
    note: string | null;
  }[];
  skipped: SkippedFile[];
  /** Files the source listed, and of those, how many were read (the rest were over the size limit). */
  sources: { listed: number; read: number };
  collapsedItems: string[];
  /** The per-recipient placeholders in message.html and message.txt, made for this render. */
  placeholders: Placeholders | null;
  generatedAt: string;
}

export interface BuildResult {
  digest: Digest;
  /** Dates of every usable briefing, in or out of the period (for week pickers). */
  dates: Date[];
  manifest: DigestManifest;
  /** Absent when the period has no items: nothing is rendered then. */
  output?: {
    /** The view-in-browser copy: generic unsubscribe link, no recipient data. */
    html: string;
    text: string;
    /** The finished HTML and text with per-recipient placeholders: what `digest send` personalizes. */
    template: { html: string; text: string; placeholders: Placeholders };
    /** The view-in-browser link written into this issue. */
    viewInBrowserUrl: string;
    mjmlRenders: number;
    warnings: string[];
  };
}

/**
 * The whole pure pipeline: source files → briefings → the period's items → digest → HTML and
 * text, rendered once. Bad files are skipped with reasons; nothing here does I/O.
 */
export async function buildDigest(
  files: SourceFile[],
  templates: CompiledTemplates,
  settings: BuildSettings,
): Promise<BuildResult> {
  const briefings: Briefing[] = [];
  const unreadable: SkippedFile[] = [];
  for (const file of files) {
    const result = readBriefing(file, settings);
    if (result.ok) briefings.push(result.briefing);
    else unreadable.push(result.skipped);
  }
  const period = resolvePeriod(settings.period, {
    now: settings.now,
    timeZone: settings.timeZone,
    dates: briefings.map((briefing) => briefing.date),
  });
  const selection = selectBriefings(briefings, period);
  const digest = summarize({
    briefings: selection.briefings,
    skipped: [...unreadable, ...selection.skipped].sort((a, b) => a.file.localeCompare(b.file)),
    period,
    newsletterName: settings.publication.newsletterName,
  });

  const dates = briefings.map((briefing) => briefing.date);
  const sources = { listed: files.length, read: files.filter((file) => file.bytes !== undefined).length };
  if (digest.items.length === 0)
    return { digest, dates, manifest: toManifest(digest, sources, [], null, settings.now) };

  const rendered = await renderDigest(digest, templates, settings.publication);
  const viewInBrowserUrl = settings.archiveUrl.replaceAll('{issueId}', encodeURIComponent(digest.issueId));
  const archived = personalize(rendered, {
    unsubscribeUrl: settings.unsubscribeUrl,
    viewInBrowserUrl,
  });
  return {
    digest,
    dates,
    manifest: toManifest(digest, sources, rendered.collapsedItems, rendered.placeholders, settings.now),
    output: {
      ...archived,
      template: { html: rendered.html, text: rendered.text, placeholders: rendered.placeholders },
      viewInBrowserUrl,
      mjmlRenders: rendered.mjmlRenders,
      warnings: rendered.warnings,
    },
  };
}

function toManifest(
  digest: Digest,
  sources: DigestManifest['sources'],
  collapsedItems: string[],
  placeholders: Placeholders | null,
  now: Date,
): DigestManifest {
  const { period } = digest;
  // "All briefings" has no natural bounds: report the span the items cover.
  const dates = digest.items.map((item) => item.date.getTime());
  const start =
    period.kind === 'all' ? new Date(dates.length ? Math.min(...dates) : now.getTime()) : period.start;
  const end =
    period.kind === 'all' ? new Date(dates.length ? Math.max(...dates) + 1 : now.getTime()) : period.end;
  return {
    issueId: digest.issueId,
    subject: digest.subject,
    preheader: digest.preheader,
    period: { start: start.toISOString(), end: end.toISOString(), timeZone: period.timeZone },
    items: digest.items.map((item) => ({
      id: item.id,
      file: item.file,
      title: item.title,
      date: item.date.toISOString(),
      source: item.source ?? null,
      url: item.url ?? null,
      highlights: item.highlights,
      summary: item.summary,
      note: item.note ?? null,
    })),
    skipped: digest.skipped,
    sources,
    collapsedItems,
    placeholders,
    generatedAt: now.toISOString(),
  };
}
