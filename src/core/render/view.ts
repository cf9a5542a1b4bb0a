import { randomBytes } from 'node:crypto';
import { weekNumberOf } from '../digest/period.js';
import { formatDay, formatRange } from '../ingest/dates.js';
import type { AlsoReported, Digest, DigestItem } from '../types.js';

/**
 * Per-recipient values are written into the finished HTML and text as placeholders. They are
 * made afresh for every render from a random nonce, after the briefings were read, so no text
 * in a briefing can spell one: a link in a briefing can never receive a reader's own
 * unsubscribe link.
 */
export interface Placeholders {
  unsubscribeUrl: string;
  viewInBrowserUrl: string;
}

/** Any render's placeholders, as `newPlaceholders` writes them. */
export const PLACEHOLDER_PATTERN = /%%(?:UNSUBSCRIBE_URL|VIEW_IN_BROWSER_URL)_[0-9A-F]{24}%%/g;

export function newPlaceholders(): Placeholders {
  const nonce = randomBytes(12).toString('hex').toUpperCase();
  return {
    unsubscribeUrl: `%%UNSUBSCRIBE_URL_${nonce}%%`,
    viewInBrowserUrl: `%%VIEW_IN_BROWSER_URL_${nonce}%%`,
  };
}

/** Who sends the newsletter: shown in the masthead and footer. */
export interface Publication {
  newsletterName: string;
  postalAddress: string;
  /** Where subscribers manage their subscription, shown in the footer. */
  homepageUrl?: string;
}

export interface ItemView {
  number: number;
  id: string;
  title: string;
  url: string | null;
  source: string | null;
  dateLabel: string;
  highlights: string[];
  extracted: boolean;
  note: string | null;
  tags: string[];
  /** The other sources of the item's event: "Also reported by: A, B" (empty for most items). */
  alsoReportedBy: { name: string; url: string | null }[];
}

/** Everything a template sees. Every key is always present (null when empty): templates run strict. */
export interface DigestView {
  subject: string;
  preheader: string;
  newsletterName: string;
  /** The issue file's intro: paragraphs of inline Markdown (`{{inline}}` each); null when none. */
  intro: string[] | null;
  issueLabel: string;
  periodLabel: string;
  itemCountLabel: string;
  /** "This week at a glance", or "At a glance" for other periods. */
  glanceHeading: string;
  glance: { number: number; title: string; source: string | null }[];
  items: ItemView[];
  /** Items cut by the size guard: shown as title-only links. */
  overflow: { title: string; url: string | null }[];
  hasItems: boolean;
  hasOverflow: boolean;
  postalAddress: string;
  homepageUrl: string | null;
  unsubscribeUrl: string;
  viewInBrowserUrl: string;
}

/** Builds the template view; the last `collapsed` items become title-only links. */
export function buildView(
  digest: Digest,
  publication: Publication,
  collapsed: number,
  placeholders: Placeholders,
): DigestView {
  const { period } = digest;
  const week = weekNumberOf(period);
  const year = period.start.toISOString().slice(0, 4);
  const full = digest.items.slice(0, digest.items.length - collapsed);
  const cut = digest.items.slice(digest.items.length - collapsed);
  const count = digest.items.length;
  return {
    subject: digest.subject,
    preheader: digest.preheader,
    newsletterName: publication.newsletterName,
    intro: digest.intro ? paragraphsOf(digest.intro) : null,
    issueLabel:
      week !== undefined
        ? `Week ${week} · ${year}`
        : period.kind === 'all'
          ? 'All briefings'
          : 'Briefing digest',
    periodLabel:
      period.kind === 'all'
        ? 'Every briefing on file'
        : formatRange(period.start, period.end, period.timeZone),
    itemCountLabel: `${count} ${count === 1 ? 'story' : 'stories'}`,
    glanceHeading: period.kind === 'week' ? 'This week at a glance' : 'At a glance',
    glance: digest.items.map((item, index) => ({
      number: index + 1,
      title: item.title,
      source: item.source ?? null,
    })),
    items: full.map((item, index) => itemView(item, index + 1, period.timeZone)),
    overflow: cut.map((item) => ({ title: item.title, url: item.url ?? null })),
    hasItems: full.length > 0,
    hasOverflow: cut.length > 0,
    postalAddress: publication.postalAddress,
    homepageUrl: publication.homepageUrl ?? null,
    unsubscribeUrl: placeholders.unsubscribeUrl,
    viewInBrowserUrl: placeholders.viewInBrowserUrl,
  };
}

function itemView(item: DigestItem, number: number, timeZone: string): ItemView {
  return {
    number,
    id: item.id,
    title: item.title,
    url: item.url ?? null,
    source: item.source ?? null,
    dateLabel: formatDay(item.date, timeZone),
    highlights: item.highlights,
    extracted: item.summary === 'extracted',
    note: item.note ?? null,
    tags: item.tags,
    alsoReportedBy: alsoReportedBy(item),
  };
}

/** Blank lines part paragraphs; the lines of one paragraph run on, as in Markdown. */
function paragraphsOf(markdown: string): string[] | null {
  const paragraphs = markdown
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter((paragraph) => paragraph !== '');
  return paragraphs.length > 0 ? paragraphs : null;
}

/**
 * Each other source once, by its name (else its web site), linked when it has a web link; a
 * source the item itself names is not repeated, and a briefing with neither name nor link is left
 * out (a file name means nothing to a reader; the manifest still lists it).
 */
function alsoReportedBy(item: DigestItem): { name: string; url: string | null }[] {
  const seen = new Set([item.source?.toLowerCase()]);
  const named: { name: string; url: string | null }[] = [];
  for (const other of item.alsoReportedBy) {
    const name = nameOf(other);
    if (name === undefined || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    named.push({ name, url: other.url && /^https?:\/\//i.test(other.url) ? other.url : null });
  }
  return named;
}

function nameOf(other: AlsoReported): string | undefined {
  if (other.source) return other.source;
  try {
    if (other.url && /^https?:/i.test(other.url)) return new URL(other.url).hostname.replace(/^www\./, '');
  } catch {
    // Not a URL after all: nothing to call it.
  }
  return undefined;
}
