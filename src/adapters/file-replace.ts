import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isRunning } from './file-lock.js';

/** Lines are written in chunks of about this many characters. */
const CHUNK = 64 * 1024;

/**
 * A private working path beside `path` (`.subscribers.csv.<pid>.<purpose>.tmp`): on the same
 * disk, so a rename is atomic, and named after this process, so that a later run can tell the
 * leftovers of a run that was killed (`removeLeftovers`).
 */
export function workingPath(path: string, purpose: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${purpose}.tmp`);
}

/** A private folder beside `path` (mode 0700), for work files such as an import's index. */
export async function makeWorkingFolder(path: string, purpose: string): Promise<string> {
  const folder = workingPath(path, purpose);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { mode: 0o700 });
  return folder;
}

/**
 * Removes the working files of runs that were killed before they could (their pid is no longer
 * running). Call it while holding the file's lock. Returns the names removed.
 */
export async function removeLeftovers(path: string): Promise<string[]> {
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  for (const name of await readdir(dirname(path))) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\./.exec(name.slice(prefix.length))?.[1]);
    if (!pid || isRunning(pid)) continue;
    await rm(join(dirname(path), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Replaces the file at `path` with `lines`, whole or not at all, even across a power cut: the
 * lines go to a new file beside it (mode 0600 while written, so nobody else can read a half
 * list), which is flushed to disk, given the old file's mode, and renamed over the old one; then
 * the folder is flushed, so the rename itself is on disk. A failure removes the new file.
 */
export async function replaceFile(path: string, lines: AsyncIterable<string>): Promise<void> {
  await replaceWith(path, 0o600, async (handle) => {
    let chunk = '';
    for await (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK) {
        await handle.write(chunk);
        chunk = '';
      }
    }
    await handle.write(chunk);
  });
}

/**
 * Replaces the file at `path` with `content`, exactly as given, the way `replaceFile` does: whole
 * or not at all, even across a power cut. A new file gets `newFileMode`; an existing one keeps its mode.
 *
 * @example
 * await replaceFileContent('archive/index.json', '{"issues":[]}\n', 0o644);
 */
export async function replaceFileContent(
  path: string,
  content: string | Uint8Array,
  newFileMode = 0o600,
): Promise<void> {
  await replaceWith(path, newFileMode, (handle) => handle.writeFile(content));
}

async function replaceWith(
  path: string,
  newFileMode: number,
  write: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const temporary = workingPath(path, 'new');
  const mode = await stat(path).then(
    (info) => info.mode & 0o777,
    () => newFileMode,
  );
  // A leftover under this name is from a killed run whose pid this process now has.
  await rm(temporary, { force: true });
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await write(handle);
    await handle.sync();
    await handle.chmod(mode);
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
