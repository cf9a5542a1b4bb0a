import { createHash } from 'node:crypto';
import { DigestError } from '../errors.js';
import { HIDDEN_CHARACTER } from '../ingest/decode.js';
import { characterCount } from '../ingest/text.js';
import { INTRO_MAX, ISSUE_FILE_KEYS, type IssueFileSettings, resolveBriefingName } from './issue-file.js';
import { PREHEADER_MAX, SUBJECT_MAX } from './summarize.js';

/**
 * The preview's editing of an issue file: one action of the editor (pin a lead, move a story,
 * drop or restore one, edit the subject, preheader or intro) applied to the file's settings.
 * Pure: reading and writing the file is the workflow's job (`workflows/steer-issue.ts`).
 */

/** The texts an editor types in the preview. */
export const EDITABLE_FIELDS = ['subject', 'preheader', 'intro'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** One change to an issue, as the preview's buttons and form ask for it. */
export type SteerAction =
  | { action: 'pin'; file: string }
  | { action: 'unpin' }
  | { action: 'move'; file: string; direction: 'up' | 'down' }
  | { action: 'drop'; file: string }
  | { action: 'restore'; file: string }
  | { action: 'edit'; field: EditableField; value: string };

const ACTIONS = ['pin', 'unpin', 'move', 'drop', 'restore', 'edit'] as const;

/** The issue as the preview shows it: what an action's names are checked against. */
export interface ShownIssue {
  issueId: string;
  /** `issues/2026-W47.yaml`, as messages name it. */
  path: string;
  /** The briefing file of each story shown, first to last. */
  stories: readonly string[];
  /** The story shown as the lead (pinned by the issue file), if any. */
  lead: string | null;
  /** The briefings the issue file leaves out. */
  dropped: readonly string[];
  /** Every briefing of the issue, shown, grouped into another's story, or dropped. */
  briefings: readonly string[];
  /** The date of each story shown (ISO 8601), by its file: where an unpinned lead goes back to. */
  dates: Readonly<Record<string, string>>;
}

/** An action that cannot be applied; the message says why and what to do. */
export class SteerError extends DigestError {
  override name = 'SteerError';
}

/**
 * Reads an action from the preview's request body (`{ action, file?, field?, value? }`; a move
 * gives its direction as `value`), or says in one line what is wrong with it.
 *
 * @example
 * readSteerAction({ action: 'move', file: 'a.md', value: 'down' })
 * // { action: 'move', file: 'a.md', direction: 'down' }
 */
export function readSteerAction(body: Record<string, unknown>): SteerAction {
  const { action, file, field, value } = body;
  const named = () => {
    if (typeof file !== 'string' || file === '')
      throw new SteerError(`"${action}" needs the file of a story`);
    return file;
  };
  switch (action) {
    case 'pin':
    case 'drop':
    case 'restore':
      return { action, file: named() };
    case 'unpin':
      return { action };
    case 'move':
      if (value !== 'up' && value !== 'down') throw new SteerError('a move goes "up" or "down"');
      return { action, file: named(), direction: value };
    case 'edit':
      if (!EDITABLE_FIELDS.includes(field as EditableField))
        throw new SteerError(`only ${EDITABLE_FIELDS.join(', ')} can be edited here`);
      if (typeof value !== 'string') throw new SteerError(`give the new ${field} as text`);
      return { action, field: field as EditableField, value };
    default:
      throw new SteerError(`"${String(action)}" is not an action: use ${ACTIONS.join(', ')}`);
  }
}

/**
 * The issue file's settings after one action. Names are checked against the issue as shown;
 * a move writes the whole order, so the result does not depend on dates or on the rest of the
 * file. Empty lists and empty texts leave their key out, so the default comes back.
 *
 * @example
 * applySteerAction({ lead: 'a.md' }, { action: 'drop', file: 'a.md' }, shown)
 * // { drop: ['a.md'] }: a dropped story cannot stay the lead
 */
export function applySteerAction(
  settings: IssueFileSettings,
  action: SteerAction,
  issue: ShownIssue,
): IssueFileSettings {
  switch (action.action) {
    case 'pin':
      return { ...settings, lead: shownStory(action.file, issue) };
    case 'unpin':
      return unpinned(settings, issue);
    case 'move':
      return { ...settings, order: moved(shownStory(action.file, issue), action.direction, issue) };
    case 'drop': {
      const file = shownStory(action.file, issue);
      const names = (name: string) => resolveBriefingName(name, issue.briefings) === file || name === file;
      const next: IssueFileSettings = { ...settings, drop: [...new Set([...(settings.drop ?? []), file])] };
      // A dropped story cannot lead, and an order naming it would only earn a warning.
      if (issue.lead === file || (settings.lead !== undefined && names(settings.lead))) delete next.lead;
      return setOrRemove(
        next,
        'order',
        settings.order?.filter((name) => !names(name)),
      );
    }
    case 'restore': {
      const file = action.file;
      if (!issue.dropped.includes(file))
        throw new SteerError(`"${file}" is not dropped in ${issue.path}: reload the preview`);
      const kept = settings.drop?.filter(
        (name) => name !== file && resolveBriefingName(name, issue.briefings) !== file,
      );
      return setOrRemove({ ...settings }, 'drop', kept);
    }
    case 'edit':
      return setOrRemove({ ...settings }, action.field, editedText(action.field, action.value));
  }
}

/** The keys whose value an action changed: the only ones written back. */
export function changedKeys(
  before: IssueFileSettings,
  after: IssueFileSettings,
): (keyof IssueFileSettings)[] {
  return ISSUE_FILE_KEYS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * A short fingerprint of an issue file's text (or of its absence) at a path: the preview sends
 * back the one it saw, and an action on a file that has changed since is refused.
 */
export function issueFileVersion(path: string, text: string | null): string {
  return createHash('sha256')
    .update(JSON.stringify([path, text]))
    .digest('base64url')
    .slice(0, 22);
}

function shownStory(file: string, issue: ShownIssue): string {
  if (issue.stories.includes(file)) return file;
  throw new SteerError(
    `"${file}" is not a story of ${issue.issueId}: reload the preview and pick one from its list`,
  );
}

/**
 * Without its lead. An order written by moves names the lead first, which would keep the story
 * on top after all: it goes back to where its date puts it among the stories after it (newest
 * first, as a digest without an issue file shows them).
 */
function unpinned(settings: IssueFileSettings, issue: ShownIssue): IssueFileSettings {
  const next = setOrRemove({ ...settings }, 'lead', undefined);
  const lead = issue.lead;
  const namesLead = (name: string) => name === lead || resolveBriefingName(name, issue.briefings) === lead;
  if (!lead || !(settings.order ?? []).some(namesLead)) return next;
  const others = issue.stories.filter((file) => file !== lead);
  const date = issue.dates[lead] ?? '';
  const at = others.findIndex((file) => (issue.dates[file] ?? '') < date);
  const order = at === -1 ? [...others, lead] : [...others.slice(0, at), lead, ...others.slice(at)];
  return { ...next, order };
}

/** The stories in their new order; the lead stays first, so nothing moves past it. */
function moved(file: string, direction: 'up' | 'down', issue: ShownIssue): string[] {
  const order = [...issue.stories];
  const from = order.indexOf(file);
  const to = direction === 'up' ? from - 1 : from + 1;
  if (file === issue.lead) throw new SteerError(`"${file}" is the lead: unpin it to move it`);
  if (to < 0 || to >= order.length)
    throw new SteerError(`"${file}" is already ${direction === 'up' ? 'first' : 'last'}`);
  if (order[to] === issue.lead)
    throw new SteerError(`"${file}" cannot go above the lead: pin it as the lead instead`);
  [order[from], order[to]] = [order[to] as string, file];
  return order;
}

const TEXT_LIMITS: Record<EditableField, number> = {
  subject: SUBJECT_MAX,
  preheader: PREHEADER_MAX,
  intro: INTRO_MAX,
};

/** An edited text as the file will hold it, or undefined to take the key out (empty text). */
function editedText(field: EditableField, value: string): string | undefined {
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (text === '') return undefined;
  // Subject and preheader end up in mail headers and the inbox line: one line, nothing hidden.
  const oneLine = field !== 'intro';
  const forbidden = oneLine ? /[\p{Cc}\u2028\u2029]/u : /[^\P{Cc}\n\t]|[\u2028\u2029]/u;
  if (forbidden.test(text))
    throw new SteerError(
      oneLine
        ? `the ${field} must be one line: remove the line break or control character`
        : 'the intro has a control character: remove it',
    );
  // Characters that hide or reverse text (a right-to-left override makes a subject read other than
  // it is); joiners that emoji and scripts need stay allowed.
  const hidden = oneLine ? HIDDEN_CHARACTER.exec(text) : null;
  if (hidden)
    throw new SteerError(
      `the ${field} has an invisible or direction-changing character (U+${(hidden[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}): remove it`,
    );
  const limit = TEXT_LIMITS[field];
  const length = characterCount(text);
  if (length > limit)
    throw new SteerError(`the ${field} is ${length} characters; at most ${limit} fit: shorten it`);
  return text;
}

/** Sets a key, or takes it out when the value is empty. */
function setOrRemove<Key extends keyof IssueFileSettings>(
  settings: IssueFileSettings,
  key: Key,
  value: IssueFileSettings[Key] | undefined,
): IssueFileSettings {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete settings[key];
  else settings[key] = value;
  return settings;
}

/** An issue file as its store holds it now. */
export interface StoredIssueFile {
  /** null: there is no such file yet. */
  bytes: Uint8Array | null;
  /** The store's own version of it (an S3 ETag), which a write can be made conditional on. */
  revision?: string;
}

/** Where issue files are kept: beside the briefings, in their folder or S3 prefix. */
export interface IssueFileStore {
  read(path: string): Promise<StoredIssueFile>;
  /**
   * Replaces the file whole (or creates it). Where the store can tell, it refuses with a
   * StaleIssueFileError when the file is no longer the one `replacing` describes.
   */
  write(path: string, text: string, replacing: StoredIssueFile): Promise<void>;
}

/** The issue file changed after the page showed it: the action was based on what is no longer there. */
export class StaleIssueFileError extends SteerError {
  override name = 'StaleIssueFileError';
  constructor(path: string, options?: ErrorOptions) {
    super(`${path} changed since the page showed it: look at it again and redo your change`, options);
  }
}
