/** One file as a source hands it over: the same shape from a folder and from S3. */
/**
 * A file as a listing knows it. An S3 listing always has the size and modified time; a folder
 * looks them up only for files whose name carries no date, so that a week's build does not stat
 * every file of the archive.
 */
export interface ListedFile {
  /** Path relative to the folder, or key relative to the S3 prefix; used in every message. */
  name: string;
  /** File mtime or S3 LastModified, when listed. */
  modified?: Date;
  /** Size in bytes, when listed. */
  size?: number;
}

/** A file as read. */
export interface SourceFile extends ListedFile {
  modified: Date;
  size: number;
  /** The content; absent when the file is over the size limit and was deliberately not read. */
  bytes?: Uint8Array;
  /** Listed, but deleted or renamed before it could be read (an editor saving during a build). */
  gone?: true;
}

/**
 * Where briefings come from (a folder, an S3 prefix): a cheap listing first, then the contents
 * of only the files chosen, handed over one by one as they arrive.
 */
export interface BriefingSource {
  /** Every file, without its content. */
  list(): Promise<ListedFile[]>;
  /** These files with their content (a file over the size limit comes without it). */
  read(files: ListedFile[]): AsyncIterable<SourceFile>;
}

/** Files already in memory as a source (tests, benchmarks, the preview's single files). */
export function filesSource(files: SourceFile[]): BriefingSource {
  return {
    list: async () => files.map(({ bytes: _bytes, ...listed }) => listed),
    read: async function* (wanted) {
      const names = new Set(wanted.map((file) => file.name));
      for (const file of files) if (names.has(file.name)) yield file;
    },
  };
}

export type BriefingFormat = 'text' | 'markdown' | 'json';

/**
 * What a parser finds in one briefing. Text fields are single-line "inline Markdown" (bold,
 * emphasis, links), already cleaned; rendering escapes them and re-checks every link.
 */
export interface ParsedBriefing {
  title?: string;
  /** Where the title came from: metadata (front matter, JSON) or the briefing's own headline. */
  titleOrigin?: 'metadata' | 'headline';
  /** A date as written in front matter or JSON, not yet interpreted. */
  date?: string;
  source?: string;
  url?: string;
  tags: string[];
  highlights: string[];
  /** Body paragraphs and body bullets, in order; sub-headings are left out. */
  paragraphs: string[];
  disclaimer?: string;
}

export type DateOrigin = 'metadata' | 'file name' | 'modified time';
export type TitleOrigin = 'metadata' | 'headline' | 'first highlight' | 'first sentence';

/** What cleaning repaired in a briefing, by kind (`utf8-as-windows-874`, `html`, …). */
export interface Repair {
  kind: string;
  count: number;
}

/** A usable briefing with every field resolved. */
export interface Briefing {
  /** Stable hash of the normalised content: the same briefing under two names has one id. */
  id: string;
  file: string;
  format: BriefingFormat;
  title: string;
  titleOrigin: TitleOrigin;
  date: Date;
  dateOrigin: DateOrigin;
  source?: string;
  url?: string;
  tags: string[];
  highlights: string[];
  paragraphs: string[];
  disclaimer?: string;
  /** Mojibake the decoder repaired; empty for clean text. */
  repairs: Repair[];
}

export interface SkippedFile {
  file: string;
  reason: string;
  /** Only for a briefing the issue file dropped: it was read, so its title is known. */
  title?: string;
}

/** The result of reading one file: a briefing, or the reason it cannot be one. */
export type BriefingResult = { ok: true; briefing: Briefing } | { ok: false; skipped: SkippedFile };

/** A half-open time range [start, end) with a label people read and an id the ledger keys on. */
export interface Period {
  /** `2026-W47`, `2026-11-01_2026-11-14`, or `all`. */
  id: string;
  kind: 'week' | 'range' | 'all';
  start: Date;
  end: Date;
  timeZone: string;
}

export interface DigestItem {
  id: string;
  file: string;
  title: string;
  date: Date;
  source?: string;
  url?: string;
  tags: string[];
  highlights: string[];
  summary: 'highlights' | 'extracted';
  /** The briefing's disclaimer, kept as a short note. */
  note?: string;
  /** Other briefings that report the same event (README "Grouping"), best-sourced first. */
  alsoReportedBy: AlsoReported[];
}

/** Another briefing of an item's event, as the "Also reported by" line names it. */
export interface AlsoReported {
  file: string;
  source?: string;
  url?: string;
}

export interface Digest {
  issueId: string;
  period: Period;
  subject: string;
  preheader: string;
  items: DigestItem[];
  skipped: SkippedFile[];
  /** Markdown shown under the masthead (the issue file's `intro`). */
  intro?: string;
  /** Items after the first `maxItems` are shown as title links ("More this week"); no cap when absent. */
  maxItems?: number;
}
