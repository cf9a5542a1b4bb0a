import { Document, isMap, isScalar, parseDocument } from 'yaml';
import * as z from 'zod';
import { closestName } from '../did-you-mean.js';
import { HIDDEN_CHARACTER } from '../ingest/decode.js';
import { characterCount, truncateAtWord } from '../ingest/text.js';
import type { SkippedFile } from '../types.js';
import { PREHEADER_MAX, SUBJECT_MAX } from './summarize.js';

/**
 * The issue file, `issues/<issueId>.yaml` beside the briefings: how an editor steers one issue.
 * This module reads it, checks it, applies it to the issue's stories and writes it back; the
 * source that holds it does the reading and writing of bytes (README "Issue file").
 */

/** What an editor may set for one issue. Every key is optional; names are briefing file names. */
export interface IssueFileSettings {
  subject?: string;
  preheader?: string;
  /** Markdown shown under the masthead: paragraphs of inline Markdown. */
  intro?: string;
  lead?: string;
  order?: string[];
  drop?: string[];
  maxItems?: number;
}

/** The keys in the order a new file lists them. */
export const ISSUE_FILE_KEYS = [
  'subject',
  'preheader',
  'intro',
  'lead',
  'order',
  'drop',
  'maxItems',
] as const satisfies readonly (keyof IssueFileSettings)[];

/** An issue file as read: what it sets, and one line for everything in it that was not used. */
export interface IssueFile {
  /** `issues/2026-W47.yaml`: relative to the source, as messages name it. */
  path: string;
  settings: IssueFileSettings;
  warnings: string[];
}

/** Where the issue file of an issue lives, relative to the briefings' folder or S3 prefix. */
export function issueFilePath(issueId: string): string {
  return `${ISSUES_FOLDER}/${issueId}.yaml`;
}

const ISSUES_FOLDER = 'issues';

/** True for everything under `issues/`: issue files (and their neighbours) are never briefings. */
export function isInIssuesFolder(name: string): boolean {
  return name.startsWith(`${ISSUES_FOLDER}/`);
}

const text = z.union([z.string(), z.number()]).transform((value) => String(value).trim());
const names = z
  .union([z.array(text), text.transform((name) => [name])])
  .transform((list) => list.filter((name) => name !== ''));
const KEY_SCHEMAS = {
  subject: { schema: text, expected: 'one line of text' },
  preheader: { schema: text, expected: 'one line of text' },
  intro: { schema: text, expected: 'text (Markdown)' },
  lead: { schema: text, expected: 'one briefing file name' },
  order: { schema: names, expected: 'a list of briefing file names' },
  drop: { schema: names, expected: 'a list of briefing file names' },
  maxItems: { schema: z.number().int().min(1).max(500), expected: 'a whole number from 1 to 500' },
} satisfies Record<keyof IssueFileSettings, { schema: z.ZodType; expected: string }>;

const HIDDEN_CHARACTERS = new RegExp(HIDDEN_CHARACTER.source, 'gu');

/** Longer than this, the intro crowds out the stories: it is cut, with a warning. */
export const INTRO_MAX = 1200;

/**
 * Reads an issue file's text. Never throws: text that is not YAML, unknown keys and values of
 * the wrong kind each become a one-line warning, and whatever is usable is used.
 *
 * @example
 * parseIssueFile('issues/2026-W47.yaml', 'lead: 2026-11-18-copper.md\nordr: [a.md]\n')
 * // { settings: { lead: '2026-11-18-copper.md' },
 * //   warnings: ['issues/2026-W47.yaml: "ordr" is not a key of an issue file (did you mean "order"?)'] }
 */
export function parseIssueFile(path: string, source: string): IssueFile {
  const warnings: string[] = [];
  const document = parseDocument(source.replace(/^\uFEFF/, ''), { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    const detail = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    return {
      path,
      settings: {},
      warnings: [
        `${path}${line ? ` (line ${line})` : ''}: not valid YAML (${detail}): fix it; this build ran without it`,
      ],
    };
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // `yaml` refuses documents that expand without bound (aliases of aliases): a warning, not a crash.
    return {
      path,
      settings: {},
      warnings: [
        `${path}: could not be read (${(error as Error).message}): fix it; this build ran without it`,
      ],
    };
  }
  if (value === null || value === undefined) return { path, settings: {}, warnings };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return {
      path,
      settings: {},
      warnings: [
        `${path}: must hold "key: value" lines (subject, lead, order, …): this build ran without it`,
      ],
    };
  }
  const settings: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!isIssueFileKey(key)) {
      const guess = closestName(key, ISSUE_FILE_KEYS);
      warnings.push(
        `${path}: "${key}" is not a key of an issue file (${guess ? `did you mean "${guess}"?` : `the keys are ${ISSUE_FILE_KEYS.join(', ')}`})`,
      );
      continue;
    }
    // An empty value (`lead:`) sets nothing: it is how an editor clears a key.
    if (raw === null || raw === '') continue;
    const { schema, expected } = KEY_SCHEMAS[key];
    const parsed = schema.safeParse(raw);
    if (!parsed.success || parsed.data === '') {
      warnings.push(`${path}: "${key}" must be ${expected} (got ${describe(raw)}): it is ignored`);
      continue;
    }
    settings[key] = parsed.data;
  }
  const limits = { subject: SUBJECT_MAX, preheader: PREHEADER_MAX, intro: INTRO_MAX } as const;
  for (const key of ['subject', 'preheader', 'intro'] as const) {
    const value = settings[key];
    if (typeof value !== 'string') continue;
    // Subjects and preheaders are header-like: one line, single spaces, nothing that hides or
    // reverses text (an inbox line must read as it is).
    const written = key === 'intro' ? value : value.replace(/\s+/g, ' ').replace(HIDDEN_CHARACTERS, '');
    if (key !== 'intro' && HIDDEN_CHARACTER.test(value))
      warnings.push(`${path}: "${key}" has invisible or direction-changing characters: they are removed`);
    if (key !== 'intro' && /[\r\n\u2028\u2029]/.test(value))
      warnings.push(
        `${path}: "${key}" is written on several lines: they are joined into one; write it on one line`,
      );
    if (characterCount(written) > limits[key]) {
      warnings.push(`${path}: "${key}" is over ${limits[key]} characters: it is cut; shorten it`);
      settings[key] = truncateAtWord(written, limits[key]);
    } else settings[key] = written;
  }
  return { path, settings: settings as IssueFileSettings, warnings };
}

function isIssueFileKey(key: string): key is keyof IssueFileSettings {
  return (ISSUE_FILE_KEYS as readonly string[]).includes(key);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return JSON.stringify(value);
}

/**
 * An issue file's YAML for these settings. Given the file's current text, it edits that text:
 * the editor's comments, key order and keys this version does not know stay as they were, keys
 * set to `undefined` are removed, and the rest is replaced. Without it (or when the current text
 * is not a YAML mapping) it writes a new file, keys in the order of `ISSUE_FILE_KEYS`.
 * `keys` limits the edit to those keys: the others stay exactly as written, even values this
 * version could not use (the preview writes only what its action changed).
 *
 * @example
 * formatIssueFile({ lead: 'b.md' }, '# week 47\nlead: a.md  # the mine story\nmaxItems: 8\n')
 * // '# week 47\nlead: b.md # the mine story\nmaxItems: 8\n'
 */
export function formatIssueFile(
  settings: IssueFileSettings,
  current?: string,
  keys: readonly (keyof IssueFileSettings)[] = ISSUE_FILE_KEYS,
): string {
  const existing = current === undefined ? undefined : parseDocument(current, { uniqueKeys: true });
  const editable = existing && existing.errors.length === 0 && isMap(existing.contents);
  const document = editable ? existing : new Document({});
  // A file of comments only has no mapping to edit: its comments stay, above the new keys.
  if (existing?.errors.length === 0 && existing.contents === null)
    document.commentBefore = existing.commentBefore;
  for (const key of ISSUE_FILE_KEYS.filter((candidate) => keys.includes(candidate))) {
    const value = settings[key];
    if (value === undefined) deleteKeepingComments(document, key);
    else if (document.get(key) !== value) document.set(key, value);
  }
  const text = document.toString({ lineWidth: 0, flowCollectionPadding: false });
  // With every key gone the mapping prints as `{}`: an editor expects an empty file (or its comments).
  return isMap(document.contents) && document.contents.items.length === 0
    ? text.replace(/^\{\}\n\n?/m, '').replace(/\n\n+$/, '\n')
    : text;
}

/**
 * Removes a key but not the comment lines the editor wrote above it (a note about the file, or
 * about the next key): they move to the next key, or below the last one, or stay alone in an
 * emptied file.
 */
function deleteKeepingComments(document: Document, key: string): void {
  const map = document.contents;
  if (!isMap(map)) return;
  const index = map.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === key);
  const pair = map.items[index];
  if (!pair) return;
  const above = isScalar(pair.key) ? pair.key.commentBefore : undefined;
  map.items.splice(index, 1);
  if (!above) return;
  const next = map.items[index];
  const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join('\n');
  if (next && isScalar(next.key)) next.key.commentBefore = join(above, next.key.commentBefore);
  else if (map.items.length > 0) map.comment = join(map.comment, above);
  else document.commentBefore = join(document.commentBefore, above);
}

/** What the issue file asks, resolved to the issue's own briefing files. */
export interface Steering {
  /** The briefing file to lead with. */
  lead?: string;
  /** Briefing files, first to last (the lead, if any, comes before them). */
  order: string[];
  /** Briefing files to leave out. */
  drop: string[];
  subject?: string;
  preheader?: string;
  intro?: string;
  maxItems?: number;
  warnings: string[];
}

/** What the manifest says the issue file did (`digest.json` → `issueFile`). */
export interface IssueFileRecord {
  path: string;
  applied: {
    subject: string | null;
    preheader: string | null;
    intro: string | null;
    lead: string | null;
    order: string[];
    dropped: string[];
    maxItems: number | null;
  };
  warnings: string[];
}

/**
 * Resolves the names in an issue file against the briefings of the issue. A name is a file as
 * the source names it (`2026-11-18-copper.md`, `week47/copper.md`), or a base name that only one
 * briefing has. A name that matches none is a warning that says why (not in this issue, or
 * skipped and why) and suggests the closest name.
 */
export function steerIssue(
  file: IssueFile,
  issue: {
    issueId: string;
    briefings: readonly string[];
    skipped: readonly SkippedFile[];
    /** Where the names were looked for, as messages say it (default: the issue id). */
    scope?: string;
  },
): Steering {
  const { settings } = file;
  const warnings = [...file.warnings];
  const resolve = (key: 'lead' | 'order' | 'drop', name: string): string | undefined => {
    const found = resolveBriefingName(name, issue.briefings);
    if (found) return found;
    const skipped = issue.skipped.find((entry) => entry.file === name || baseName(entry.file) === name);
    const guess = closestName(name, issue.briefings);
    const scope = issue.scope ?? issue.issueId;
    const why = skipped
      ? `is not in ${scope} (skipped: ${skipped.reason})`
      : `matches no briefing in ${scope}${guess ? ` (did you mean "${guess}"?)` : ''}`;
    warnings.push(`${file.path}: "${key}" names "${name}", which ${why}`);
    return undefined;
  };
  const drop = unique((settings.drop ?? []).flatMap((name) => resolve('drop', name) ?? []));
  const kept = (name: string, key: 'lead' | 'order') => {
    const found = resolve(key, name);
    if (found && drop.includes(found)) {
      warnings.push(`${file.path}: "${key}" names "${name}", which "drop" leaves out: it stays out`);
      return undefined;
    }
    return found;
  };
  const lead = settings.lead === undefined ? undefined : kept(settings.lead, 'lead');
  const order = unique((settings.order ?? []).flatMap((name) => kept(name, 'order') ?? []));
  return {
    ...(lead ? { lead } : {}),
    order,
    drop,
    ...(settings.subject ? { subject: settings.subject } : {}),
    ...(settings.preheader ? { preheader: settings.preheader } : {}),
    ...(settings.intro ? { intro: settings.intro } : {}),
    ...(settings.maxItems ? { maxItems: settings.maxItems } : {}),
    warnings,
  };
}

/**
 * The briefing file a name in an issue file stands for: the file as the source names it, or a
 * base name only one of `files` has; undefined when it names none (or several).
 */
export function resolveBriefingName(name: string, files: readonly string[]): string | undefined {
  const plain = name.replace(/^\.\//, '');
  if (files.includes(plain)) return plain;
  const byBaseName = files.filter((candidate) => baseName(candidate) === plain);
  return byBaseName.length === 1 ? byBaseName[0] : undefined;
}

function baseName(file: string): string {
  return file.split('/').at(-1) ?? file;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Puts the stories in the issue file's order: the lead first, then those `order` names, then
 * the rest in the order they came. A story is named by any of its files (a story grouped from
 * several briefings answers to each of them).
 */
export function arrangeStories<Story>(
  stories: readonly Story[],
  steering: Pick<Steering, 'lead' | 'order'>,
  filesOf: (story: Story) => readonly string[],
): Story[] {
  const wanted = [...(steering.lead ? [steering.lead] : []), ...steering.order];
  const placed = new Set<Story>();
  const first: Story[] = [];
  for (const name of wanted) {
    const story = stories.find((candidate) => filesOf(candidate).includes(name));
    if (story && !placed.has(story)) {
      placed.add(story);
      first.push(story);
    }
  }
  return [...first, ...stories.filter((story) => !placed.has(story))];
}

/** The manifest's record of the issue file: what it changed, and what it could not use. */
export function issueFileRecord(file: IssueFile, steering: Steering): IssueFileRecord {
  return {
    path: file.path,
    applied: {
      subject: steering.subject ?? null,
      preheader: steering.preheader ?? null,
      intro: steering.intro ?? null,
      lead: steering.lead ?? null,
      order: steering.order,
      dropped: steering.drop,
      maxItems: steering.maxItems ?? null,
    },
    warnings: steering.warnings,
  };
}

/**
 * Files in `issues/` that look meant for this period but that no build of it reads, each with
 * the one-line warning to give: a name that differs only in case or in `.yml`, or, for a period of
 * dates, the issue file of a week it covers (which only `--week` reads).
 *
 * @example
 * unreadIssueFiles(['issues/2026-w47.yaml'], { issueId: '2026-W47', weeks: ['2026-W47'] })
 * // [{ file: 'issues/2026-w47.yaml',
 * //    warning: 'issues/2026-w47.yaml: not read: the issue file of 2026-W47 is named issues/2026-W47.yaml; rename it' }]
 */
export function unreadIssueFiles(
  listed: readonly string[],
  period: { issueId: string; kind: 'week' | 'range'; weeks: readonly string[] },
): { file: string; warning: string }[] {
  const expected = issueFilePath(period.issueId);
  const loosely = (name: string) => name.toLowerCase().replace(/\.yml$/, '.yaml');
  const warnings: { file: string; warning: string }[] = [];
  const fix = listed.includes(expected) ? `move what it says into ${expected}, then delete it` : 'rename it';
  for (const name of listed) {
    if (!isInIssuesFolder(name) || name === expected) continue;
    if (loosely(name) === loosely(expected)) {
      warnings.push({
        file: name,
        warning: `${name}: not read: the issue file of ${period.issueId} is named ${expected}; ${fix}`,
      });
      continue;
    }
    if (period.kind !== 'range') continue;
    const week = period.weeks.find((id) => loosely(name) === loosely(issueFilePath(id)));
    if (week)
      warnings.push({
        file: name,
        warning: `${name}: not read: this build's period is ${period.issueId}, not a week; build with --week ${week} to use it`,
      });
  }
  return warnings;
}

/** The reason a dropped briefing is listed with in `skipped`. */
export const DROPPED_REASON = 'dropped by the issue file';

/**
 * Reads an issue file from its bytes (UTF-8, with or without BOM), with its text for editing it
 * later (`formatIssueFile`). A file that is not UTF-8, or too large to read, is a warning.
 */
export function readIssueFile(
  path: string,
  bytes: Uint8Array | undefined,
): { text: string | null; file: IssueFile } {
  const unused = (why: string) => ({
    text: null,
    file: { path, settings: {}, warnings: [`${path}: ${why}`] },
  });
  if (!bytes) return unused('too large to read: this build ran without it');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return unused('not UTF-8 text: save it as UTF-8; this build ran without it');
  }
  return { text, file: parseIssueFile(path, text) };
}
