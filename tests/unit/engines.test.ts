import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};
const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('supported Node versions', () => {
  // The oldest release of each supported line: the CLI on Node 20, the Lambdas on Node 22.
  const supported = ['20.19.0', '22.13.0'];

  it('are the ones package.json declares', () => {
    for (const version of supported) expect(semver.satisfies(version, ours.engines.node)).toBe(true);
  });

  it('satisfy every locked package, so npm ci prints no engine warnings', () => {
    const unsatisfied = Object.entries(lock.packages)
      .filter(([, entry]) => !Array.isArray(entry.engines) && entry.engines?.node)
      .flatMap(([path, entry]) =>
        supported
          .filter((version) => !semver.satisfies(version, (entry.engines as { node: string }).node))
          .map(
            (version) =>
              `${path.replace(/^node_modules\//, '')}@${entry.version} needs node ${(entry.engines as { node: string }).node}, not ${version}`,
          ),
      );
    expect(unsatisfied).toEqual([]);
  });
});
