import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes a file whole or not at all: a crash never leaves half a digest behind. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
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
