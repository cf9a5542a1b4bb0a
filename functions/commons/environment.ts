import * as z from 'zod';
import { ConfigError } from '../../src/core/errors.js';

/**
 * Reads and validates the function's environment once, at cold start. A missing or invalid
 * variable stops the function with one message that names every problem.
 *
 * @example
 * const env = readEnvironment({ BUCKET: z.string().min(1) });
 */
export function readEnvironment<Shape extends z.ZodRawShape>(
  shape: Shape,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<Shape>> {
  const parsed = z.object(shape).safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.')} (${issue.message})`)
    .join(', ');
  throw new ConfigError(
    `function configuration is incomplete: ${problems}; the CDK stack sets these, so redeploy it`,
  );
}

export const required = () => z.string().min(1);
export const timeZone = () =>
  z
    .string()
    .default('UTC')
    .refine(
      (zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC',
      'an IANA time zone',
    );
