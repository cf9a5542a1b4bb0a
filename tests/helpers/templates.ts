import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TemplateFile } from '../../src/core/render/render.js';

const TEMPLATES = join(import.meta.dirname, '..', '..', 'templates');

/** The templates that ship with the project, as `loadTemplates` hands them over. */
export function bundledTemplateFiles(): TemplateFile[] {
  return readdirSync(TEMPLATES, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.hbs'))
    .map((name) => ({
      name: name.split('\\').join('/'),
      path: relative(process.cwd(), join(TEMPLATES, name)),
      source: readFileSync(join(TEMPLATES, name), 'utf8'),
    }));
}
