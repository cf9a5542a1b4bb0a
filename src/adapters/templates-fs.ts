import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TemplateError } from '../core/errors.js';
import type { TemplateFile } from '../core/render/render.js';

/** The templates that ship with the project. */
export const BUNDLED_TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

/**
 * Loads the bundled templates, then lets files in `overrideFolder` replace them one by one, so
 * an editor can change just `partials/item.hbs`.
 */
export async function loadTemplates(
  overrideFolder?: string,
  bundledFolder = BUNDLED_TEMPLATES,
): Promise<TemplateFile[]> {
  const files = new Map<string, TemplateFile>();
  for (const file of await readTemplateFolder(bundledFolder)) files.set(file.name, file);
  if (overrideFolder) {
    const overrides = await readTemplateFolder(overrideFolder).catch((error: NodeJS.ErrnoException) => {
      throw new TemplateError(
        overrideFolder,
        undefined,
        `cannot read templates folder (${error.code ?? error.message}): check --templates`,
      );
    });
    for (const file of overrides) files.set(file.name, file);
  }
  return [...files.values()];
}

async function readTemplateFolder(folder: string): Promise<TemplateFile[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'));
  return Promise.all(
    names.map(async (name) => {
      const path = join(folder, name);
      return { name, path: displayPath(path), source: await readFile(path, 'utf8') };
    }),
  );
}

/** Paths inside the working directory are shown relative to it, others in full. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') ? path : shown;
}
