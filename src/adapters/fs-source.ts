import { close, open, read } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { mapConcurrent } from '../core/concurrency.js';
import { SourceError } from '../core/errors.js';
import { dateFromFileName } from '../core/ingest/dates.js';
import type { BriefingSource, ListedFile, SourceFile } from '../core/types.js';

/**
 * A folder of briefings (recursively) as a source: the listing is names, and the sizes and
 * modified times of files whose name carries no date (the only ones a listing dates by their
 * modified time); a week's build among years of dated files looks at none of the others. Files
 * are read only when asked for, a few at a time. Files over `maxBytes` come without their
 * content, so a stray video never lands in memory.
 */
export function folderSource(
  folder: string,
  options: { maxBytes: number; concurrency?: number },
): BriefingSource {
  const concurrency = options.concurrency ?? 16;
  return {
    list: async () => {
      const names = await listFiles(folder);
      const limit = pLimit(concurrency);
      const listed = await Promise.all(
        names.map((name) =>
          dateFromFileName(name, 'UTC')
            ? { name }
            : limit(async (): Promise<ListedFile> => {
                const info = await stat(join(folder, name));
                return { name, modified: info.mtime, size: info.size };
              }),
        ),
      );
      return listed.sort((a, b) => a.name.localeCompare(b.name));
    },
    read: (files) =>
      mapConcurrent(files, concurrency, (file) =>
        readListed(join(folder, file.name), file, options.maxBytes),
      ),
  };
}

/** Reads every file under a folder (recursively), for tools that need them all (`digest inspect`). */
export async function readFolder(
  folder: string,
  options: { maxBytes: number; concurrency?: number },
): Promise<SourceFile[]> {
  const names = await listFiles(folder);
  const limit = pLimit(options.concurrency ?? 16);
  const files = await Promise.all(names.map((name) => limit(() => readOne(folder, name, options.maxBytes))));
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new SourceError(`briefings folder not found: ${folder}: check --source`, { cause: error });
    if (code === 'ENOTDIR')
      throw new SourceError(`--source ${folder} is a file, not a folder: point it at the folder`, {
        cause: error,
      });
    if (code === 'EACCES')
      throw new SourceError(`cannot read ${folder} (permission denied): check its permissions`, {
        cause: error,
      });
    throw error;
  }
}

async function readOne(folder: string, name: string, maxBytes: number): Promise<SourceFile> {
  return readSourceFile(join(folder, name), name, maxBytes);
}

/**
 * Reads one file as a source file named `name`; over `maxBytes` it is listed, not read.
 *
 * @example
 * await readSourceFile('briefings/a.txt', 'a.txt', 2 * 1024 * 1024)
 */
export function readSourceFile(path: string, name: string, maxBytes: number): Promise<SourceFile> {
  return readListed(path, { name }, maxBytes);
}

const openFile = promisify(open);
const readInto = promisify(read);
const closeFile = promisify(close);

/**
 * Reads a listed file, looking up its size and modified time if the listing did not; over
 * `maxBytes` (as listed, or grown since) it comes without its content.
 */
async function readListed(path: string, listed: ListedFile, maxBytes: number): Promise<SourceFile> {
  try {
    return await readPresent(path, listed, maxBytes);
  } catch (error) {
    // Deleted or renamed since the listing (editors save by renaming): accounted for, not fatal.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { ...listed, size: listed.size ?? 0, modified: listed.modified ?? new Date(0), gone: true };
  }
}

async function readPresent(path: string, listed: ListedFile, maxBytes: number): Promise<SourceFile> {
  const file =
    listed.size !== undefined && listed.modified !== undefined
      ? { ...listed, size: listed.size, modified: listed.modified }
      : await stat(path).then((info) => ({ ...listed, modified: info.mtime, size: info.size }));
  if (file.size > maxBytes) return file;
  // Plain descriptors, not FileHandle objects: a thousand-file week reads in about two thirds of
  // the time (bench/floor.mjs and `npm run bench` measure it).
  const descriptor = await openFile(path, 'r');
  try {
    // Read at most one byte past the limit: a file that grew since it was listed is still caught.
    const buffer = Buffer.alloc(Math.min(file.size, maxBytes) + 1);
    const { bytesRead } = await readInto(descriptor, buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) return { ...file, size: bytesRead };
    return { ...file, size: bytesRead, bytes: buffer.subarray(0, bytesRead) };
  } finally {
    await closeFile(descriptor);
  }
}
