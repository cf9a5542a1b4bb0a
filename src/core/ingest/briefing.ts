import { createHash } from 'node:crypto';
import type {
  BriefingFormat,
  BriefingResult,
  DateOrigin,
  ParsedBriefing,
  SourceFile,
  TitleOrigin,
} from '../types.js';
import { safeUrl } from './clean.js';
import { dateFromFileName, parseEditorDate } from './dates.js';
import { decodeBriefingBytes } from './decode.js';
import { inlineToPlain } from './inline.js';
import { splitFrontMatter } from './parse/front-matter.js';
import { parseJsonBriefing } from './parse/json.js';
import { parseMarkdownBriefing } from './parse/markdown.js';
import { parseTextBriefing } from './parse/text.js';
import { headlineFromLead, headlineFromSentence, splitSentences, truncateAtWord } from './text.js';

export interface ReadOptions {
  timeZone: string;
  /** Files larger than this are skipped unread. */
  maxBytes: number;
}

export const DEFAULT_MAX_BRIEFING_BYTES = 2 * 1024 * 1024;
const TITLE_MAX = 90;

const FORMAT_BY_EXTENSION: Record<string, BriefingFormat> = {
  '': 'text',
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.json': 'json',
};

/**
 * Reads one source file into a briefing: decode, parse by format, resolve title, date and id.
 * Never throws for bad input: a file that cannot be used comes back with the reason.
 */
export function readBriefing(file: SourceFile, options: ReadOptions): BriefingResult {
  const skip = (reason: string): BriefingResult => ({ ok: false, skipped: { file: file.name, reason } });
  const baseName = file.name.split('/').at(-1) ?? file.name;
  if (file.name.split('/').some((part) => part === '..' || part === '.')) {
    return skip('path-like name with a "." or ".." segment: give it a plain name');
  }
  if (file.name.split('/').some((part) => part.startsWith('.'))) {
    return skip('hidden file (its name starts with "."): rename it to include it');
  }
  const format = formatOf(baseName);
  if (!format) {
    return skip(`not a briefing file type (${extensionOf(baseName)}): use .txt, .md or .json`);
  }
  if (file.gone) return skip('deleted or renamed while the build was reading: build again to include it');
  if (file.size > options.maxBytes || !file.bytes) {
    return skip(
      `too large (${formatBytes(file.size)}; the limit is ${formatBytes(options.maxBytes)}): split or trim it`,
    );
  }
  const decoded = decodeBriefingBytes(file.bytes);
  if (!decoded.ok) return skip(decoded.reason);

  let parsed: ParsedBriefing;
  if (format === 'json') {
    const result = parseJsonBriefing(decoded.text);
    if (!result.ok) return skip(result.reason);
    parsed = result.briefing;
  } else if (format === 'markdown') {
    const split = splitFrontMatter(decoded.text);
    if (!split.ok) return skip(split.reason);
    parsed = parseMarkdownBriefing(split.body, split.data);
  } else {
    parsed = parseTextBriefing(decoded.text);
  }

  if (parsed.highlights.length === 0 && parsed.paragraphs.length === 0) {
    return skip('no usable text after cleaning: add highlights or body text');
  }
  const dated = resolveDate(parsed, file, options.timeZone);
  if (!dated.ok) return skip(dated.reason);

  const url = safeUrl(parsed.url);
  return {
    ok: true,
    briefing: {
      id: contentId(parsed),
      file: file.name,
      format,
      ...resolveTitle(parsed),
      date: dated.date,
      dateOrigin: dated.origin,
      ...(parsed.source ? { source: inlineToPlain(parsed.source) } : {}),
      ...(url ? { url } : {}),
      tags: parsed.tags.map(inlineToPlain),
      highlights: parsed.highlights,
      paragraphs: parsed.paragraphs,
      ...(parsed.disclaimer ? { disclaimer: parsed.disclaimer } : {}),
      repairs: [...decoded.repairs].map(([kind, count]) => ({ kind, count })),
    },
  };
}

function formatOf(baseName: string): BriefingFormat | undefined {
  return FORMAT_BY_EXTENSION[extensionOf(baseName).toLowerCase()];
}

function extensionOf(baseName: string): string {
  const dot = baseName.lastIndexOf('.');
  return dot > 0 ? baseName.slice(dot) : '';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

type DateResult = { ok: true; date: Date; origin: DateOrigin } | { ok: false; reason: string };

function resolveDate(parsed: ParsedBriefing, file: SourceFile, timeZone: string): DateResult {
  if (parsed.date) {
    const date = parseEditorDate(parsed.date, timeZone);
    if (!date)
      return { ok: false, reason: `date "${parsed.date}" is not a real date: write it as YYYY-MM-DD` };
    return { ok: true, date: date.toJSDate(), origin: 'metadata' };
  }
  const fromName = dateFromFileName(file.name, timeZone);
  if (fromName) return { ok: true, date: fromName.toJSDate(), origin: 'file name' };
  return { ok: true, date: file.modified, origin: 'modified time' };
}

/**
 * Title from metadata or a headline line; else the main clause of the first highlight (the lead,
 * as the writer summed it up); only a briefing without highlights is headed by its first sentence.
 */
function resolveTitle(parsed: ParsedBriefing): { title: string; titleOrigin: TitleOrigin } {
  const explicit = parsed.title && inlineToPlain(parsed.title).trim();
  if (explicit)
    return { title: truncateAtWord(explicit, 150), titleOrigin: parsed.titleOrigin ?? 'headline' };
  const lead = parsed.highlights[0];
  if (lead)
    return { title: headlineFromLead(inlineToPlain(lead), TITLE_MAX), titleOrigin: 'first highlight' };
  const firstSentence = splitSentences(inlineToPlain(parsed.paragraphs[0] ?? ''))[0] ?? '';
  return { title: headlineFromSentence(firstSentence, TITLE_MAX), titleOrigin: 'first sentence' };
}

/** A hash of the words of the content, so file names, dates and white space don't matter. */
function contentId(parsed: ParsedBriefing): string {
  // Only letters and digits count, so Markdown punctuation needs no parsing here.
  const words = [...parsed.highlights, ...parsed.paragraphs]
    .join(' ')
    .toLowerCase()
    // ASCII punctuation and spaces separate words; everything from U+00C0 up counts as letters.
    .replace(/[^a-z0-9\u00c0-\uffff]+/g, ' ')
    .trim();
  return createHash('sha256').update(words).digest('hex').slice(0, 16);
}
