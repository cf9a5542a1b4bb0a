import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

export type BriefingFile = { status: 200; text: string } | { status: 403 | 404; message: string };

/**
 * The raw text of one briefing for the preview, and nothing else: `name` must be a file the last
 * build read (the session's list, so never a name made up by a request), no part of it may start
 * with a dot (dotfiles, `..`), and its real path, symlinks resolved, must lie inside the folder's
 * real path. The build never reads symlinks, but one may have replaced a file since: the file is
 * opened by its checked real path and without following a final link.
 *
 * @example
 * await readBriefingFile('briefings', 'a.md', { inBuild: (name) => name === 'a.md', maxBytes: 2 ** 21 })
 */
export async function readBriefingFile(
  folder: string,
  name: string,
  options: { inBuild: (name: string) => boolean; maxBytes: number },
): Promise<BriefingFile> {
  if (name.split(/[/\\]/).some((segment) => segment === '' || segment.startsWith('.')))
    return { status: 403, message: 'Hidden files and paths outside the briefings folder are never shown.' };
  if (!options.inBuild(name)) return { status: 404, message: 'No such briefing in this build.' };
  const paths = await Promise.all([realpath(folder), realpath(join(folder, name))]).catch(() => undefined);
  if (!paths) return { status: 404, message: 'No such briefing.' };
  const [root, path] = paths;
  if (!path.startsWith(root + sep))
    return { status: 403, message: 'Only files inside the briefings folder can be shown.' };
  const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => undefined);
  if (!handle) return { status: 404, message: 'No such briefing.' };
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { status: 404, message: 'No such briefing.' };
    if (info.size > options.maxBytes)
      return { status: 403, message: 'This file is over the briefing size limit, so it is not shown.' };
    return { status: 200, text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}
