// The floor a command-line build cannot go under: start node, load the renderer, read the same
// files, and render the final digest once. Run from the compiled sources, as `digest` runs.
import { readFileSync } from 'node:fs';
import { readFolder } from '../dist/adapters/fs-source.js';
import { loadTemplates } from '../dist/adapters/templates-fs.js';
import { compileTemplates, renderWithCollapsed } from '../dist/core/render/render.js';

const [folder, digestFile, collapsed] = process.argv.slice(2);
const digest = JSON.parse(readFileSync(digestFile, 'utf8'), (_key, value) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)
    ? new Date(value)
    : value,
);
await readFolder(folder, { maxBytes: 2 * 1024 * 1024 });
const publication = { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' };
await renderWithCollapsed(digest, compileTemplates(await loadTemplates()), publication, Number(collapsed));
