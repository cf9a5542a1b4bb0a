import { groupStories, type StoryGroup } from '../digest/group.js';
import {
  arrangeStories,
  DROPPED_REASON,
  type IssueFile,
  type IssueFileRecord,
  isInIssuesFolder,
  issueFilePath,
  issueFileRecord,
  readIssueFile,
  steerIssue,
  unreadIssueFiles,
} from '../digest/issue-file.js';
import { isoWeeksOf, type PeriodRequest, resolvePeriod } from '../digest/period.js';
import { listedDate, planReading } from '../digest/prefilter.js';
import { selectBriefings } from '../digest/select.js';
import { DEFAULT_MAX_ITEMS, summarize } from '../digest/summarize.js';
import { type ReadOptions, readBriefing } from '../ingest/briefing.js';
import {
  type Briefing,
  type BriefingSource,
  type Digest,
  filesSource,
  type ListedFile,
  type Period,
  type SkippedFile,
  type SourceFile,
} from '../types.js';
import { type CompiledTemplates, personalize, renderDigest } from './render.js';
import type { Placeholders, Publication } from './view.js';

export interface BuildSettings extends ReadOptions {
  period: PeriodRequest;
  /** How far (days) a file's listed date may be from the period and still be read (default 3). */
  dateSlackDays?: number;
  now: Date;
  publication: Publication;
  /** The list's unsubscribe page: the archived copy links there, without a personal token. */
  unsubscribeUrl: string;
  /** Where the archived copy will live; `{issueId}` is replaced. */
  archiveUrl: string;
  /** Items shown in full before the rest become title links (default 12); the issue file may change it. */
  maxItems?: number;
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
    /** The other briefings of the item's event, shown as "Also reported by". */
    alsoReportedBy: { file: string; source: string | null; url: string | null }[];
  }[];
  /** What the issue file (`issues/<issueId>.yaml`) changed, and what it could not use; null without one. */
  issueFile: IssueFileRecord | null;
  /** Briefings shown as one story because they report one event, and the facts they share. */
  groups: StoryGroup[];
  /** Files not used for a reason of their own (unreadable, a duplicate, …), each with the reason. */
  skipped: SkippedFile[];
  /** How many files are dated outside the period (`digest build --verbose` lists them). */
  outsideThePeriod: number;
  /** Files the source listed, and how many of them were downloaded or read. */
  sources: { listed: number; read: number };
  /** Items shown in full at most (the setting, or the issue file's `maxItems`). */
  maxItems: number;
  /** Ids of the items after `maxItems`, shown as title links under "More this week". */
  beyondMaxItems: string[];
  /** Ids of the items shown as title links to keep the email under Gmail's clip limit. */
  collapsedItems: string[];
  /** The per-recipient placeholders in message.html and message.txt, made for this render. */
  placeholders: Placeholders | null;
  generatedAt: string;
  /** `required` when built as a draft: `digest send` refuses it until `digest approve`. */
  approval?: 'required';
}

export interface BuildResult {
  digest: Digest;
  /** The date of every listed file, by name or modified time, and of every briefing read (for week pickers). */
  dates: Date[];
  /** The files dated outside the period: those never read, and those read and dated elsewhere. */
  outsideThePeriod: SkippedFile[];
  manifest: DigestManifest;
  /**
   * The issue file this period would read (`path`, relative to the source), with its text as
   * read (`null`: there is none yet); null for `--all`, which has no issue file. What the preview
   * edits: `parseIssueFile(path, text)`, then `formatIssueFile(settings, text)` to write it.
   */
  issueFile: { path: string; text: string | null } | null;
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
 * The whole pipeline, pure but for the source it is handed: list → read only the files that can
 * be in the period (see `planReading`) → briefings → the period's items → digest → HTML and text,
 * rendered once. Each file's bytes are dropped once it is parsed. Bad files are skipped with
 * reasons; files outside the period are counted.
 */
export async function buildDigest(
  source: BriefingSource | SourceFile[],
  templates: CompiledTemplates,
  settings: BuildSettings,
): Promise<BuildResult> {
  const files = Array.isArray(source) ? filesSource(source) : source;
  const everything = await files.list();
  // Issue files sit beside the briefings but are none: not read as briefings, not skipped.
  const listed = everything.filter((file) => !isInIssuesFolder(file.name));
  const plan = planReading(listed, settings.period, settings);
  const briefings: Briefing[] = [];
  const unreadable: SkippedFile[] = [];
  let read = 0;
  for await (const file of files.read(plan.candidates)) {
    if (file.bytes) read++;
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
  const issue = await readIssueFileOf(files, everything, period);
  const skippedSoFar = [...unreadable, ...selection.skipped];
  const steering =
    issue.file &&
    steerIssue(issue.file, {
      issueId: period.id,
      briefings: selection.briefings.map((briefing) => briefing.file),
      skipped: skippedSoFar,
    });
  const dropped = new Set(steering?.drop);
  const grouping = groupStories(selection.briefings.filter((briefing) => !dropped.has(briefing.file)));
  const stories = steering
    ? arrangeStories(grouping.stories, steering, (story) => [
        story.briefing.file,
        ...story.also.map((briefing) => briefing.file),
      ])
    : grouping.stories;
  const digest = summarize({
    briefings: stories.map((story) => story.briefing),
    alsoReportedBy: new Map(stories.map((story) => [story.briefing.file, story.also])),
    skipped: [...skippedSoFar, ...droppedEntries(selection.briefings, dropped)].sort((a, b) =>
      a.file.localeCompare(b.file),
    ),
    period,
    newsletterName: settings.publication.newsletterName,
    editorial: {
      ...(steering?.subject ? { subject: steering.subject } : {}),
      ...(steering?.preheader ? { preheader: steering.preheader } : {}),
      ...(steering?.intro ? { intro: steering.intro } : {}),
      maxItems: steering?.maxItems ?? settings.maxItems ?? DEFAULT_MAX_ITEMS,
    },
  });
  const outsideThePeriod = [
    ...plan.outside.map((file) => ({
      file: file.name,
      reason: 'outside the period (by its listed date; not read)',
    })),
    ...selection.outside,
  ].sort((a, b) => a.file.localeCompare(b.file));

  const dates = [
    // Files outside the period always have a listed date: it is what put them there.
    ...plan.outside.flatMap((file) => listedDate(file, settings.timeZone) ?? []),
    ...briefings.map((briefing) => briefing.date),
  ];
  const editorial = {
    issueFile: issue.file && steering ? issueFileRecord(issue.file, steering) : null,
    groups: grouping.groups,
  };
  const counts = { sources: { listed: listed.length, read }, outside: outsideThePeriod.length };
  const issueFile = issue.path ? { path: issue.path, text: issue.text } : null;
  if (digest.items.length === 0)
    return {
      digest,
      dates,
      outsideThePeriod,
      issueFile,
      manifest: toManifest(digest, counts, editorial, undefined, settings.now),
    };

  const rendered = await renderDigest(digest, templates, settings.publication);
  const viewInBrowserUrl = settings.archiveUrl.replaceAll('{issueId}', encodeURIComponent(digest.issueId));
  const archived = personalize(rendered, {
    unsubscribeUrl: settings.unsubscribeUrl,
    viewInBrowserUrl,
  });
  return {
    digest,
    dates,
    outsideThePeriod,
    issueFile,
    manifest: toManifest(digest, counts, editorial, rendered, settings.now),
    output: {
      ...archived,
      template: { html: rendered.html, text: rendered.text, placeholders: rendered.placeholders },
      viewInBrowserUrl,
      mjmlRenders: rendered.mjmlRenders,
      warnings: rendered.warnings,
    },
  };
}

/**
 * The period's issue file, read through the source like a briefing: only the one file, and only
 * when the listing has it. `all` has no issue file (its issue id depends on its items).
 */
async function readIssueFileOf(
  files: BriefingSource,
  listed: ListedFile[],
  period: Period,
): Promise<{ path: string | null; text: string | null; file: IssueFile | null }> {
  if (period.kind === 'all') return { path: null, text: null, file: null };
  const path = issueFilePath(period.id);
  const entry = listed.find((file) => file.name === path);
  // Not silent about a file that was surely meant for this issue: it is reported, unread.
  const unread = unreadIssueFiles(
    listed.map((file) => file.name),
    { issueId: period.id, kind: period.kind, weeks: period.kind === 'range' ? isoWeeksOf(period) : [] },
  );
  if (entry) {
    for await (const file of files.read([entry])) {
      // Deleted since the listing: this build runs as without one (the next one reads it again).
      if (file.gone) break;
      const read = readIssueFile(path, file.bytes);
      read.file.warnings.push(...unread.map((other) => other.warning));
      return { path, ...read };
    }
  }
  const [first] = unread;
  if (!first) return { path, text: null, file: null };
  return {
    path,
    text: null,
    file: { path: first.file, settings: {}, warnings: unread.map((other) => other.warning) },
  };
}

/** A dropped briefing is skipped with its reason and its title: the preview lists it by its title. */
function droppedEntries(briefings: readonly Briefing[], dropped: ReadonlySet<string>): SkippedFile[] {
  return briefings
    .filter((briefing) => dropped.has(briefing.file))
    .map((briefing) => ({ file: briefing.file, reason: DROPPED_REASON, title: briefing.title }));
}

function toManifest(
  digest: Digest,
  counts: { sources: DigestManifest['sources']; outside: number },
  editorial: Pick<DigestManifest, 'issueFile' | 'groups'>,
  rendered: { collapsedItems: string[]; beyondMaxItems: string[]; placeholders: Placeholders } | undefined,
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
      alsoReportedBy: item.alsoReportedBy.map((other) => ({
        file: other.file,
        source: other.source ?? null,
        url: other.url ?? null,
      })),
    })),
    skipped: digest.skipped,
    outsideThePeriod: counts.outside,
    sources: counts.sources,
    issueFile: editorial.issueFile,
    groups: editorial.groups,
    maxItems: digest.maxItems ?? digest.items.length,
    beyondMaxItems: rendered?.beyondMaxItems ?? [],
    collapsedItems: rendered?.collapsedItems ?? [],
    placeholders: rendered?.placeholders ?? null,
    generatedAt: now.toISOString(),
  };
}
