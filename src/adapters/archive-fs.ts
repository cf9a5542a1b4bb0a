import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ARCHIVE_INDEX,
  type ArchivedIssue,
  ArchiveIndexError,
  type ArchiveReaderOptions,
  type IssueArchive,
  isIssueId,
  parseArchiveIndex,
  serializeArchiveIndex,
  withIssue,
} from '../core/delivery/archive.js';
import { DigestError } from '../core/errors.js';
import type { DigestManifest } from '../core/render/build.js';
import { withFileLock } from './file-lock.js';
import { replaceFileContent } from './file-replace.js';

/** The files of an issue that the archive keeps: the generic HTML (no recipient data) and the manifest. */
const ARCHIVED_FILES = ['digest.html', 'digest.json'] as const;
/** The archive is meant to be published: its files are readable by a web server running as another user. */
const PUBLIC_FILE_MODE = 0o644;

/**
 * The archive in a folder, as the site reads it: `index.json` and `<issueId>/digest.html`.
 * An index that is missing, unreadable or corrupt reads as an empty archive, and
 * `onIndexProblem` says why; an issue id that could not be a folder name is never looked up.
 *
 * @example
 * const archive = folderArchive('archive', { onIndexProblem: (problem) => console.warn(problem.message) });
 * const latest = (await archive.issues())[0];
 */
export function folderArchive(folder: string, options: ArchiveReaderOptions = {}): IssueArchive {
  return {
    async issues() {
      const { issues, problem } = await readIndex(folder);
      if (problem) options.onIndexProblem?.(problem);
      return issues;
    },
    async html(issueId) {
      if (!isIssueId(issueId)) return undefined;
      try {
        return await readFile(join(folder, issueId, 'digest.html'), 'utf8');
      } catch (error) {
        if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? ''))
          return undefined;
        throw error;
      }
    },
  };
}

/** What archiving an issue after its send did. */
export type LocalArchiveOutcome =
  | { status: 'archived'; issue: ArchivedIssue }
  | { status: 'already-archived'; issue: ArchivedIssue };

/**
 * Puts the issue built in `digestFolder` into the archive folder, once: `digest.html` and
 * `digest.json` are copied to `<archive>/<issueId>/` and the issue is added to
 * `<archive>/index.json`, last, so the index never lists an issue whose files are not there.
 * Every file is replaced whole (written beside, flushed, renamed). An issue already in the index
 * is left exactly as it is. The index is locked while it changes, so sends of two issues into
 * one archive cannot lose an entry; a corrupt index is never written over.
 *
 * @example
 * await archiveIssue('archive', 'out', '2026-W47', new Date('2026-11-23T08:00:00Z'));
 */
export async function archiveIssue(
  archiveFolder: string,
  digestFolder: string,
  issueId: string,
  publishedAt: Date,
): Promise<LocalArchiveOutcome> {
  const manifestText = await readDigestFile(digestFolder, 'digest.json');
  const manifest = parseManifest(manifestText, digestFolder);
  if (manifest.issueId !== issueId)
    throw new DigestError(
      `${join(digestFolder, 'digest.json')} changed during the send (it is now ${manifest.issueId}, not ${issueId}): run the send of ${issueId} again from its own build to archive it`,
    );
  if (!isIssueId(issueId))
    throw new DigestError(`issue id "${issueId}" cannot be an archive folder name: build the digest again`);
  const entry: ArchivedIssue = {
    issueId,
    subject: manifest.subject,
    preheader: manifest.preheader,
    publishedAt: publishedAt.toISOString(),
  };
  await mkdir(archiveFolder, { recursive: true });
  return withFileLock(join(archiveFolder, ARCHIVE_INDEX), async () => {
    const { issues, problem } = await readIndex(archiveFolder);
    if (problem && problem.reason !== 'missing') throw problem;
    const existing = issues.find((issue) => issue.issueId === issueId);
    if (existing) return { status: 'already-archived', issue: existing };
    const files = {
      'digest.json': manifestText,
      'digest.html': await readDigestFile(digestFolder, 'digest.html'),
    };
    await mkdir(join(archiveFolder, issueId), { recursive: true });
    for (const name of ARCHIVED_FILES)
      await replaceFileContent(join(archiveFolder, issueId, name), files[name], PUBLIC_FILE_MODE);
    await replaceFileContent(
      join(archiveFolder, ARCHIVE_INDEX),
      serializeArchiveIndex(withIssue(issues, entry)),
      PUBLIC_FILE_MODE,
    );
    return { status: 'archived', issue: entry };
  });
}

async function readIndex(folder: string): Promise<{ issues: ArchivedIssue[]; problem?: ArchiveIndexError }> {
  const path = join(folder, ARCHIVE_INDEX);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT')
      return {
        issues: [],
        problem: new ArchiveIndexError(
          'missing',
          `${path} does not exist: nothing is archived yet (the first real digest send archives its issue)`,
        ),
      };
    if (['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR'].includes(code))
      return {
        issues: [],
        problem: new ArchiveIndexError(
          'unreadable',
          `${path} cannot be read (${code}): check its permissions`,
          {
            cause: error,
          },
        ),
      };
    throw error;
  }
  return parseArchiveIndex(text, path);
}

async function readDigestFile(folder: string, name: string): Promise<string> {
  try {
    return await readFile(join(folder, name), 'utf8');
  } catch (error) {
    throw new DigestError(
      `${join(folder, name)} could not be read for the archive (${(error as NodeJS.ErrnoException).code}): build the digest again, then run the send again to archive it`,
      { cause: error },
    );
  }
}

function parseManifest(
  text: string,
  folder: string,
): Pick<DigestManifest, 'issueId' | 'subject' | 'preheader'> {
  const manifest = (() => {
    try {
      return JSON.parse(text) as Partial<DigestManifest>;
    } catch {
      return {};
    }
  })();
  const { issueId, subject, preheader } = manifest;
  if (typeof issueId !== 'string' || typeof subject !== 'string' || typeof preheader !== 'string')
    throw new DigestError(
      `${join(folder, 'digest.json')} has no issueId, subject and preheader: build the digest again`,
    );
  return { issueId, subject, preheader };
}
