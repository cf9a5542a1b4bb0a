import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';

/** The limit the project holds each function's minified bundle to. */
export const BUNDLE_LIMIT_BYTES = 1024 * 1024;

/**
 * Prints each Lambda bundle's minified size after synth (source maps not counted) and fails the
 * build when one is over the limit.
 */
export function reportBundleSizes(
  assembly: CloudAssembly,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): { name: string; bytes: number }[] {
  const sizes: { name: string; bytes: number }[] = [];
  for (const stack of assembly.stacks) {
    const resources =
      (stack.template as { Resources?: Record<string, { Type: string; Metadata?: Record<string, string> }> })
        .Resources ?? {};
    for (const [logicalId, resource] of Object.entries(resources)) {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (resource.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
      const folder = join(assembly.directory, assetPath);
      const bundle = readdirSync(folder).find((name) => name === 'index.mjs' || name === 'index.js');
      if (!bundle) continue;
      sizes.push({ name: logicalId.replace(/[0-9A-F]{8}$/, ''), bytes: statSync(join(folder, bundle)).size });
    }
  }
  for (const { name, bytes } of sizes) {
    write(
      `bundle ${name.padEnd(14)} ${(bytes / 1024).toFixed(0).padStart(5)} KB${bytes > BUNDLE_LIMIT_BYTES ? '  over the 1 MB limit' : ''}`,
    );
  }
  const over = sizes.filter((size) => size.bytes > BUNDLE_LIMIT_BYTES);
  if (over.length > 0)
    throw new Error(
      `Lambda bundle over 1 MB: ${over.map((size) => size.name).join(', ')}; keep imports lazy and heavy modules out`,
    );
  return sizes;
}
