import * as z from 'zod';
import type { ParsedBriefing } from '../../types.js';
import { cleanInline, stripMarkup } from '../clean.js';
import { applyMetadata } from './structure.js';

const textList = z.union([z.array(z.coerce.string()), z.string().transform((text) => [text])]);

const jsonBriefingSchema = z
  .object({
    title: z.coerce.string().optional(),
    date: z.string().optional(),
    source: z.coerce.string().optional(),
    url: z.string().optional(),
    tags: z.array(z.coerce.string()).optional(),
    highlights: textList.optional(),
    body: textList.optional(),
    disclaimer: z.coerce.string().optional(),
  })
  .loose();

export type JsonParseResult = { ok: true; briefing: ParsedBriefing } | { ok: false; reason: string };

/** Reads a JSON briefing: `{ title, date, source, url, highlights: string[], body }`. */
export function parseJsonBriefing(text: string): JsonParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${describeJsonError(error, text)}): fix the syntax` };
  }
  const parsed = jsonBriefingSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.');
    return {
      ok: false,
      reason: field
        ? `JSON field "${field}" is not valid (${issue?.message}): see the briefing format in the README`
        : 'JSON briefing must be an object like { "title": …, "highlights": […], "body": … }',
    };
  }
  const data = parsed.data;
  const briefing: ParsedBriefing = {
    tags: [],
    highlights: (data.highlights ?? []).map(cleanInline).filter(Boolean),
    paragraphs: (data.body ?? [])
      .flatMap((block) => stripMarkup(block).split(/\n\s*\n|\n(?=\s*[-*•]\s)/))
      .map((paragraph) => cleanInline(paragraph.replace(/^\s*[-*•]\s+/, '')))
      .filter(Boolean),
  };
  applyMetadata(briefing, data);
  return { ok: true, briefing };
}

function describeJsonError(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = message
    .replace(/, (?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/ in JSON at position \d+.*$/s, '');
  const position = errorPosition(message, text);
  if (position === undefined) return detail;
  return `line ${text.slice(0, position).split('\n').length}: ${detail}`;
}

/**
 * Where V8's JSON error happened. Newer messages quote about ten characters either side of the
 * error instead of giving a position; the quoted context locates it.
 */
function errorPosition(message: string, text: string): number | undefined {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  const quoted = /Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return undefined;
  const [, token = '', before, context = '', after] = quoted;
  const CONTEXT = 10;
  if (before && after) return text.indexOf(context) + CONTEXT;
  if (before) return text.length - context.length + CONTEXT;
  if (after) return context.length - CONTEXT;
  return text.indexOf(token);
}
