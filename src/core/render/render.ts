import Handlebars from 'handlebars';
import { closestName } from '../did-you-mean.js';
import { TemplateError } from '../errors.js';
import { inlineToHtml, inlineToText } from '../ingest/inline.js';
import type { Digest } from '../types.js';
import { buildView, type DigestView, newPlaceholders, type Placeholders, type Publication } from './view.js';

/** A template file as loaded from `templates/` (or `--templates DIR`). */
export interface TemplateFile {
  /** Path inside the templates folder: `digest.mjml.hbs`, `partials/item.hbs`. */
  name: string;
  /** Where it is on disk, for messages. */
  path: string;
  source: string;
}

export interface CompiledTemplates {
  html: Handlebars.TemplateDelegate<DigestView>;
  text: Handlebars.TemplateDelegate<DigestView>;
  files: TemplateFile[];
  /** Problems that do not stop a render: a partial no template uses, most likely misnamed. */
  warnings: string[];
}

export interface RenderedDigest {
  /** Finished HTML with per-recipient placeholders (`placeholders`, made for this render). */
  html: string;
  text: string;
  placeholders: Placeholders;
  /** How many times MJML ran: 1 when the digest fits; when items must be cut, two small measuring runs and one or two full ones. */
  mjmlRenders: number;
  /** Ids of items shown as title-only links to keep the HTML under the clip limit. */
  collapsedItems: string[];
  /** Ids of the items after the digest's `maxItems`, shown as title-only links whatever the size. */
  beyondMaxItems: string[];
  /** MJML warnings that did not stop the render. */
  warnings: string[];
}

export const HTML_TEMPLATE = 'digest.mjml.hbs';
export const TEXT_TEMPLATE = 'digest.txt.hbs';
/** Gmail clips messages over about 102 KB; stay under with room for per-recipient links. */
export const HTML_BUDGET_BYTES = 100 * 1024;

/**
 * Compiles the templates once. Syntax errors are reported with the file and line; the returned
 * functions are reused for every render.
 */
export function compileTemplates(files: TemplateFile[]): CompiledTemplates {
  const env = Handlebars.create();
  env.registerHelper(
    'inline',
    (markdown: unknown) => new env.SafeString(inlineToHtml(String(markdown ?? ''))),
  );
  env.registerHelper('inlineText', (markdown: unknown) => inlineToText(String(markdown ?? '')));
  // Top-level templates compile from the syntax check's tree. Partials must be registered as
  // source (Handlebars' rule); they compile on first use with the strict mode of their caller.
  const parsed = new Map(files.map((file) => [file.name, parse(env, file)]));
  for (const file of files) {
    if (file.name.startsWith('partials/')) env.registerPartial(partialName(file.name), file.source);
  }
  const tree = (name: string) => {
    const ast = parsed.get(name);
    if (!ast)
      throw new TemplateError(name, undefined, 'template is missing: restore it or remove --templates');
    return ast;
  };
  return {
    html: env.compile<DigestView>(tree(HTML_TEMPLATE), { strict: true }),
    text: env.compile<DigestView>(tree(TEXT_TEMPLATE), { strict: true, noEscape: true }),
    files,
    warnings: unusedPartials(files),
  };
}

/** Partials no template refers to: usually a misnamed override (`items.hbs` for `item.hbs`). */
function unusedPartials(files: TemplateFile[]): string[] {
  const used = new Set<string>();
  for (const file of files)
    for (const match of file.source.matchAll(/\{\{~?#?>\s*([\w/.-]+)/g)) used.add(match[1] ?? '');
  const partials = files.filter((file) => file.name.startsWith('partials/'));
  const names = partials.map((file) => partialName(file.name));
  return partials
    .filter((file) => !used.has(partialName(file.name)))
    .map((file) => {
      const guess = closestName(
        partialName(file.name),
        names.filter((name) => used.has(name)),
      );
      const hint = guess ? `did you mean partials/${guess}.hbs?` : 'refer to it with {{> name}} or remove it';
      return `${file.path} is not used by any template: ${hint}`;
    });
}

/** The innermost block (`{{#if}}`, `{{#each}}`…) that is opened and never closed, with its line. */
function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const open: { name: string; line: number }[] = [];
  const withoutComments = source.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (comment) =>
    comment.replace(/[^\n]/g, ' '),
  );
  for (const match of withoutComments.matchAll(/\{\{~?\s*([#/])>?\s*([\w.-]+)/g)) {
    const line = withoutComments.slice(0, match.index).split('\n').length;
    if (match[1] === '#') open.push({ name: match[2] ?? '', line });
    else if (open.at(-1)?.name === match[2]) open.pop();
  }
  return open.at(-1);
}

function partialName(name: string): string {
  return name.replace(/^partials\//, '').replace(/\.(?:mjml\.)?hbs$|\.handlebars$/, '');
}

function parse(env: typeof Handlebars, file: TemplateFile): hbs.AST.Program {
  try {
    return env.parse(file.source);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unclosed = /got 'EOF'/.test(message) ? unclosedBlock(file.source) : undefined;
    if (unclosed) {
      throw new TemplateError(
        file.path,
        unclosed.line,
        `{{#${unclosed.name}}} opened here is never closed: add {{/${unclosed.name}}} where the block ends`,
        { cause: error },
      );
    }
    const line = Number(/on line (\d+)/.exec(message)?.[1]) || undefined;
    const expecting = /Expecting (.*), got (.*)/.exec(message);
    const detail = expecting
      ? `template syntax error: expected ${expecting[1]}, got ${expecting[2]}`
      : message.split('\n')[0];
    throw new TemplateError(file.path, line, `${detail}: fix the template`, { cause: error });
  }
}

/**
 * Renders the digest: Handlebars → MJML (strict) → HTML, and the plain-text part.
 *
 * Items after the digest's `maxItems` (an editor's cap) are title-only links, whatever the size.
 * A digest that then fits is rendered once. One that would be clipped keeps its first items in
 * full and shows the rest as title-only links, as many in full as fit. Each item shown in full
 * instead of as a title adds about the same HTML per MJML byte (the templates set the ratio), so
 * two small renders, one and two items in full, measure the line HTML ≈ base + slope × MJML;
 * cheap Handlebars runs find how many items the line lets through; one full render checks the
 * guess. A guess that comes out over narrows the line between it and the last render that
 * fitted. The result is never over the budget unless every item is already a title.
 */
export async function renderDigest(
  digest: Digest,
  templates: CompiledTemplates,
  publication: Publication,
  budgetBytes = HTML_BUDGET_BYTES,
): Promise<RenderedDigest> {
  const count = digest.items.length;
  // The fewest items shown as titles: those past the editor's cap.
  const least = Math.max(0, count - (digest.maxItems ?? count));
  const placeholders = newPlaceholders();
  let mjmlRenders = 0;
  const render = async (collapsed: number): Promise<Measured> => {
    mjmlRenders++;
    const rendered = await renderWithCollapsed(digest, templates, publication, collapsed, placeholders);
    return { ...rendered, collapsed, htmlLength: Buffer.byteLength(rendered.html) };
  };
  const done = (rendered: Measured): RenderedDigest => {
    const { collapsed: _collapsed, htmlLength: _htmlLength, mjmlLength: _mjmlLength, ...result } = rendered;
    return {
      ...result,
      // The size guard's cuts, apart from the cap's.
      collapsedItems: result.collapsedItems.slice(0, result.collapsedItems.length - least),
      beyondMaxItems: digest.items.slice(count - least).map((item) => item.id),
      mjmlRenders,
    };
  };
  const fitsBudget = (rendered: Measured) => rendered.htmlLength <= budgetBytes;
  const mjmlLength = (collapsed: number) =>
    Buffer.byteLength(
      runTemplate(templates, templates.html, buildView(digest, publication, collapsed, placeholders)),
    );

  // MJML at least doubles into HTML (tables, inline styles), so a page whose MJML is over half the
  // budget is not rendered whole just to learn it is too long. If that is ever wrong, the line
  // below says so, and the whole page is rendered after all.
  let over: Measured | undefined;
  if (count === least || mjmlLength(least) * 2 <= budgetBytes) {
    const whole = await render(least);
    if (fitsBudget(whole) || count === least) return done(whole);
    over = whole;
  }
  if (over?.collapsed === count - 1) return done(await render(count));
  const oneInFull = await render(count - 1);
  if (!fitsBudget(oneInFull)) return done(await render(count));
  if (least === count - 1 || over?.collapsed === count - 2) return done(oneInFull);
  const fitting = await render(count - 2);
  if (!fitsBudget(fitting)) return done(oneInFull);
  for (;;) {
    const line = over ? lineThrough(fitting, over) : lineThrough(oneInFull, fitting);
    // Aim a little under the budget: the line is a measurement, not a promise.
    const target = budgetBytes * 0.98;
    const fits = (collapsed: number) => line.base + line.slope * mjmlLength(collapsed) <= target;
    // Cutting more never lengthens the MJML, so bisect between the most cuts known to be too
    // few and the fewest known to fit.
    const guess = fewestThatFit(over ? over.collapsed + 1 : least, fitting.collapsed, fits);
    if (guess === fitting.collapsed) return done(fitting);
    const rendered = await render(guess);
    if (fitsBudget(rendered)) return done(rendered);
    over = rendered;
  }
}

/** A render with the measures the size guard fits with. */
type Measured = Awaited<ReturnType<typeof renderWithCollapsed>> & { collapsed: number; htmlLength: number };

/** HTML length as a line in MJML length, through two renders of the same templates. */
function lineThrough(
  a: { mjmlLength: number; htmlLength: number },
  b: { mjmlLength: number; htmlLength: number },
): { base: number; slope: number } {
  const slope = (b.htmlLength - a.htmlLength) / (b.mjmlLength - a.mjmlLength);
  // Two renders of the same length say nothing of the slope: assume output in proportion.
  if (!Number.isFinite(slope) || slope <= 0) return { base: 0, slope: b.htmlLength / b.mjmlLength };
  return { base: a.htmlLength - slope * a.mjmlLength, slope };
}

/** The least number in [low, high] for which `fits` holds, given it holds for all above it; `high` if none. */
function fewestThatFit(low: number, high: number, fits: (collapsed: number) => boolean): number {
  let lo = Math.min(low, high);
  let hi = high;
  while (lo < hi) {
    const middle = Math.floor((lo + hi) / 2);
    if (fits(middle)) hi = middle;
    else lo = middle + 1;
  }
  return lo;
}

/** One render (one MJML run) with the last `collapsed` items as title-only links. */
export async function renderWithCollapsed(
  digest: Digest,
  templates: CompiledTemplates,
  publication: Publication,
  collapsed: number,
  placeholders: Placeholders = newPlaceholders(),
): Promise<Omit<RenderedDigest, 'mjmlRenders' | 'beyondMaxItems'> & { mjmlLength: number }> {
  const view = buildView(digest, publication, collapsed, placeholders);
  const mjml = runTemplate(templates, templates.html, view);
  const { html, warnings } = await toHtml(mjml, templates.files);
  return {
    mjmlLength: Buffer.byteLength(mjml),
    html,
    text: runTemplate(templates, templates.text, view),
    placeholders,
    collapsedItems: digest.items.slice(digest.items.length - collapsed).map((item) => item.id),
    warnings: [...templates.warnings, ...warnings],
  };
}

function runTemplate<View>(
  templates: CompiledTemplates,
  template: Handlebars.TemplateDelegate<View>,
  view: View,
): string {
  try {
    return template(view);
  } catch (error) {
    throw runtimeTemplateError(error, templates.files);
  }
}

/** Handlebars says `"titel" not defined in [object Object] - 5:10`; name the file that says `titel` there. */
function runtimeTemplateError(error: unknown, files: TemplateFile[]): TemplateError {
  const message = error instanceof Error ? error.message : String(error);
  const missing = /"([^"]+)" not defined in .* - (\d+):(\d+)/.exec(message);
  if (missing) {
    const [, name = '', lineText = '0'] = missing;
    const line = Number(lineText);
    const file =
      files.find((candidate) => candidate.source.split('\n')[line - 1]?.includes(name)) ??
      files.find((candidate) => candidate.source.includes(name));
    return new TemplateError(
      file?.path ?? 'templates',
      file ? line : undefined,
      `"${name}" is not a field templates can use: check the spelling (see the README for the fields)`,
      { cause: error },
    );
  }
  const partial = /The partial (\S+) could not be found/.exec(message);
  if (partial) {
    return new TemplateError(
      'templates/partials',
      undefined,
      `partial "${partial[1]}" is missing: add partials/${partial[1]}.hbs`,
      {
        cause: error,
      },
    );
  }
  return new TemplateError('templates', undefined, message.split('\n')[0] ?? 'template failed', {
    cause: error,
  });
}

interface MjmlError {
  line: number;
  message: string;
  tagName: string;
}

// MJML takes about half a second to load: load it on the first render, not at start-up, so
// `--help`, usage errors and empty weeks stay fast.
let mjmlModule: Promise<{ default: typeof import('mjml') }> | undefined;

/** How many times MJML has run in this process: benchmarks check it stays at one per issue. */
export const renderCounter = { mjml: 0 };

async function toHtml(mjml: string, files: TemplateFile[]): Promise<{ html: string; warnings: string[] }> {
  mjmlModule ??= import('mjml');
  const { default: mjml2html } = await mjmlModule;
  renderCounter.mjml++;
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      keepComments: false,
      fonts: {},
      minify: false,
    });
    return { html: result.html, warnings: result.errors.map((error) => error.formattedMessage) };
  } catch (error) {
    const errors = (error as { errors?: MjmlError[] }).errors;
    const first = errors?.[0];
    if (!first)
      throw new TemplateError(HTML_TEMPLATE, undefined, `MJML failed: ${String(error)}`, { cause: error });
    const origin = locateInTemplates(mjml.split('\n')[first.line - 1] ?? '', files);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw new TemplateError(
      origin?.file.path ?? HTML_TEMPLATE,
      origin?.line,
      `MJML: ${first.message} (<${first.tagName}>)${more}: fix the template`,
      { cause: error },
    );
  }
}

/**
 * Finds the template line that produced a line of generated MJML: the template line's literal
 * text, with every `{{…}}` as a wildcard, must match the generated line.
 */
function locateInTemplates(
  generated: string,
  files: TemplateFile[],
): { file: TemplateFile; line: number } | undefined {
  const target = generated.trim();
  if (target === '') return undefined;
  for (const file of files) {
    const lines = file.source.split('\n');
    for (const [index, line] of lines.entries()) {
      const literal = line.trim();
      if (literal.replace(/\{\{[^}]*\}\}/g, '').trim().length < 4) continue;
      const pattern = literal
        .split(/\{\{[^}]*\}\}\}?/)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[\\s\\S]*?');
      if (new RegExp(`^${pattern}$`).test(target)) return { file, line: index + 1 };
    }
  }
  return undefined;
}

export { personalize } from './personalize.js';
export type { DigestView, Publication };
