import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a file whole or not at all: a crash never leaves half a digest behind. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}

/** Lines written to a file as they come, which appears under its name only once complete. */
export interface LineFile {
  write(line: string): Promise<void>;
  /** Puts the complete file in place. */
  close(): Promise<void>;
  /** Removes what was written; the file at the path is left as it was. */
  discard(): Promise<void>;
}

/** Chunks of about this many characters are written at once. */
const CHUNK = 64 * 1024;

/**
 * A private file (mode 0600 — it may hold addresses) written line by line beside `path`, then
 * renamed over it: a run that fails half way leaves no half file under the name.
 *
 * @example
 * const file = await openPrivateLineFile('export.csv');
 * await file.write('email,status');
 * await file.close();
 */
export async function openPrivateLineFile(path: string): Promise<LineFile> {
  const temporary = `${path}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  const handle = await open(temporary, 'wx', 0o600);
  let chunk = '';
  const flush = async () => {
    await handle.write(chunk);
    chunk = '';
  };
  return {
    async write(line) {
      chunk += `${line}\n`;
      if (chunk.length >= CHUNK) await flush();
    },
    async close() {
      await flush();
      await handle.close();
      await rename(temporary, path);
    },
    async discard() {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true });
    },
  };
}

export interface DigestFiles {
  'digest.json': string;
  'digest.html'?: string;
  'digest.txt'?: string;
  'digest.eml'?: Uint8Array;
  /** The finished HTML and text with per-recipient placeholders, which `digest send` fills in. */
  'message.html'?: string;
  'message.txt'?: string;
}

/**
 * Writes the build's outputs into `folder`. Outputs this build did not produce (no items this
 * time) are removed, so an old digest is never mistaken for this one.
 */
export async function writeDigestFiles(folder: string, files: DigestFiles): Promise<string[]> {
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  for (const name of [
    'digest.html',
    'digest.txt',
    'digest.eml',
    'message.html',
    'message.txt',
    'digest.json',
  ] as const) {
    const path = join(folder, name);
    const content = files[name];
    if (content === undefined) {
      await rm(path, { force: true });
      continue;
    }
    await writeFileAtomic(path, content);
    written.push(path);
  }
  return written;
}
