import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The tree follows the pipeline (README "Layout"): the core's stages import only earlier stages,
 * the core never reaches the outside world, and the preview does not lean on the CLI.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const STAGES = ['ingest', 'digest', 'render', 'delivery'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1] ?? '');
}

/** `src/core/render/view.ts` → `render`; a shared module at the core's root → undefined. */
const stageOf = (file: string) => STAGES.find((stage) => file.startsWith(`src/core/${stage}/`));

describe('the layout', () => {
  it('lets each core stage import only itself and the stages before it', () => {
    const backwards: string[] = [];
    for (const file of sourceFiles('src/core')) {
      const from = stageOf(file);
      for (const specifier of importsOf(file).filter((name) => name.startsWith('.'))) {
        const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
        const to = stageOf(target);
        if (!to) continue;
        if (from === undefined || STAGES.indexOf(to) > STAGES.indexOf(from))
          backwards.push(`${file} → ${target}`);
      }
    }
    expect(backwards).toEqual([]);
  });

  it('keeps the core pure: no adapters, no file system, no AWS SDK, no environment', () => {
    const impure: string[] = [];
    for (const file of sourceFiles('src/core')) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const specifier of importsOf(file))
        if (/adapters\/|^node:fs|^@aws-sdk\/|\/cli\/|\/preview\/|\/workflows\//.test(specifier))
          impure.push(`${file} → ${specifier}`);
      if (/process\.env/.test(text)) impure.push(`${file} reads process.env`);
    }
    expect(impure).toEqual([]);
  });

  it('keeps the preview and the workflows independent of the CLI', () => {
    const reaching = [...sourceFiles('src/preview'), ...sourceFiles('src/workflows')].flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.includes('/cli/'))
        .map((specifier) => `${file} → ${specifier}`),
    );
    expect(reaching).toEqual([]);
  });
});
