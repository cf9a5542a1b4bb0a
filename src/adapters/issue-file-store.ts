import { lstat, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type IssueFileStore, SteerError } from '../core/digest/steer-actions.js';
import { replaceFileContent } from './file-replace.js';

/**
 * Issue files in the briefings' folder (`<folder>/issues/<issueId>.yaml`). A write is atomic: a
 * temporary file in the same `issues/` folder, flushed to disk, renamed over the old one (see
 * replaceFileContent), so a build or an editor never reads half a file.
 */
export function folderIssueFileStore(folder: string): IssueFileStore {
  return {
    read: async (path) => {
      const file = join(folder, checkedPath(path));
      // Builds never read through links (the folder listing leaves them out), so the preview
      // neither reads nor replaces one: it says so instead of answering "changed" forever.
      const link = await lstat(file).then(
        (info) => info.isSymbolicLink(),
        () => false,
      );
      if (link)
        throw new SteerError(
          `${path} is a symbolic link, which builds do not read: replace it with the file itself, then try again`,
        );
      try {
        return { bytes: await readFile(file) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { bytes: null };
        throw error;
      }
    },
    write: async (path, text) => {
      const file = join(folder, checkedPath(path));
      await mkdir(dirname(file), { recursive: true });
      // Issue files are ordinary files an editor opens: readable like the briefings beside them.
      await replaceFileContent(file, text, 0o644);
    },
  };
}

/**
 * Only issue files are ever written: `issues/<name>.yaml`, one level down, nothing hidden.
 *
 * @example
 * checkedPath('issues/2026-W47.yaml') // 'issues/2026-W47.yaml'
 */
export function checkedPath(path: string): string {
  if (!/^issues\/[^/\\.][^/\\]*\.yaml$/.test(path))
    throw new Error(`refusing to write ${JSON.stringify(path)}: only issues/<issueId>.yaml is an issue file`);
  return path;
}
