import { parseDocument } from 'yaml';
import * as z from 'zod';

export type FrontMatterResult = { ok: true; data: FrontMatter; body: string } | { ok: false; reason: string };

const dateLike = z.union([z.string(), z.date().transform((date) => date.toISOString())]);

const frontMatterSchema = z
  .object({
    title: z.coerce.string().optional(),
    date: dateLike.optional(),
    source: z.coerce.string().optional(),
    url: z.string().optional(),
    tags: z
      .union([z.array(z.coerce.string()), z.string().transform((tags) => tags.split(/\s*,\s*/))])
      .optional(),
    disclaimer: z.coerce.string().optional(),
  })
  .loose();

export type FrontMatter = z.infer<typeof frontMatterSchema>;

const OPENING = /^---[ \t]*\n/;
const CLOSING = /\n---[ \t]*(?:\n|$)/;

/**
 * Splits YAML front matter (`--- … ---`) from a Markdown body. No block means empty data;
 * a block that is not closed, not valid YAML or not a mapping is an error that names the line.
 */
export function splitFrontMatter(text: string): FrontMatterResult {
  if (!OPENING.test(text)) return { ok: true, data: {}, body: text };
  const afterOpening = text.replace(OPENING, '');
  const closing = CLOSING.exec(afterOpening);
  if (!closing) {
    return { ok: false, reason: 'front matter has no closing --- line: close it or remove the --- block' };
  }
  const yamlText = afterOpening.slice(0, closing.index);
  const body = afterOpening.slice(closing.index + closing[0].length);
  const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    // Line numbers count from the opening --- line of the file.
    const line = (error.linePos?.[0]?.line ?? 0) + 1;
    const detail = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '');
    return {
      ok: false,
      reason: `front matter is not valid YAML (line ${line}: ${detail}): fix it or remove the --- block`,
    };
  }
  const value: unknown = document.toJS() ?? {};
  const parsed = frontMatterSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'front matter';
    return {
      ok: false,
      reason: `front matter ${field === 'front matter' ? 'must be a list of key: value lines' : `field "${field}" is not valid (${issue?.message})`}: fix it or remove the --- block`,
    };
  }
  return { ok: true, data: parsed.data, body };
}
