import type * as CanIEmail from 'caniemail';

/** The client families the panel checks: the four that most subscribers read mail in. */
export const CHECKED_CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*', 'yahoo.*'] as const;

/** A feature the digest's HTML uses that some checked clients do not support at all. */
export interface UnsupportedFeature {
  /** caniemail's name for it: `@media`, `border-radius`, `<style> element`, … */
  feature: string;
  /** The clients that lack it, by family: `{ family: 'Outlook', platforms: ['Windows', 'Windows Mail'] }`. */
  clients: { family: string; platforms: string[] }[];
  /** What a reader of those clients sees instead, where we know it for our templates. */
  fallback: string | null;
  /** caniemail's own notes for those clients, each once. */
  notes: string[];
  /** The feature's page on caniemail.com. */
  url: string | null;
  /** The first line of the HTML that uses it, when caniemail says. */
  line: number | null;
}

export interface CompatibilityReport {
  /** The client families checked, by name. */
  checked: string[];
  unsupported: UnsupportedFeature[];
  /** Features only partly supported somewhere (caniemail's warnings), with how many clients. */
  partial: { feature: string; clients: number }[];
  /** The date of caniemail's data. */
  dataDate: string;
}

const FAMILIES: Record<string, string> = {
  gmail: 'Gmail',
  outlook: 'Outlook',
  'apple-mail': 'Apple Mail',
  yahoo: 'Yahoo Mail',
};
const PLATFORMS: Record<string, string> = {
  'desktop-webmail': 'webmail',
  'mobile-webmail': 'mobile webmail',
  ios: 'iOS',
  android: 'Android',
  windows: 'Windows',
  'windows-mail': 'Windows Mail',
  macos: 'macOS',
  'outlook-com': 'Outlook.com',
};

const STYLE_BLOCK_ONLY =
  'Rules in <style> are dropped; the templates inline every style the layout needs, so only the dark-mode colours are lost (the light design shows).';
const PREHEADER_HIDING =
  'MJML hides the preheader with several properties at once (display:none, 1 px type, zero size, opacity, overflow hidden): the others still hide it.';

/**
 * What readers of a client that lacks a feature see instead, for the features our templates and
 * MJML's skeleton use (each checked against the rendered digest). Features not listed here show
 * caniemail's notes only.
 */
export const KNOWN_FALLBACKS: Record<string, string> = {
  '<style> element': STYLE_BLOCK_ONLY,
  'Class selector': STYLE_BLOCK_ONLY,
  'ID selector': STYLE_BLOCK_ONLY,
  'Type selector': STYLE_BLOCK_ONLY,
  'Descendant combinator': STYLE_BLOCK_ONLY,
  'Chaining selectors': STYLE_BLOCK_ONLY,
  '@media':
    'Media queries are ignored: the dark-mode colours do not apply (the light design shows); the one-column layout is inlined and does not need them.',
  '@media (prefers-color-scheme)': 'The light design shows.',
  'color-scheme meta tag':
    'Declares dark-mode support to clients that read it; the others show the light design.',
  'display:none': PREHEADER_HIDING,
  opacity: PREHEADER_HIDING,
  overflow: PREHEADER_HIDING,
  'border-radius': 'Buttons and badges show square corners.',
  cursor: 'Only the mouse pointer over the button differs.',
  'aria-label attribute': 'A screen-reader hint only: the message reads the same without it.',
  'role attribute': 'A screen-reader hint only: the message reads the same without it.',
  'lang attribute': 'A language hint for screen readers only.',
  '<body> element': 'The client replaces <body>; MJML repeats its background colour on the wrapper inside.',
  'target attribute': 'Links open in a new window or tab anyway.',
  'word-spacing': 'MJML only resets it to normal, the default: nothing changes.',
  outline: 'Part of MJML’s reset for images (outline:none); the bundled templates have no images.',
  'word-break': 'A very long word (a URL) may run past its column instead of breaking.',
};

/**
 * caniemail 1.0.5 reports some features the HTML does not use: `text-transform` counts as
 * `transform`. Each entry says whether the feature is really there.
 */
const REALLY_USED: Record<string, (html: string) => boolean> = {
  transform: (html) => /(?:^|[\s;{"'])transform\s*:/i.test(html),
};

/**
 * Which checked clients lack which features the HTML uses, grouped by feature (those without a
 * known fallback first, then the most clients), from caniemail's data. Pure: the caniemail module is passed in (see
 * loadCompatibilityCheck); about 40–120 ms for a digest, so the preview runs it once per build,
 * off the request path.
 *
 * @example
 * compatibilityOf('<div style="border-radius:8px">x</div>', await import('caniemail'))
 * // { unsupported: [{ feature: 'border-radius', clients: [{ family: 'Outlook', platforms: ['Windows', …] }], … }], … }
 */
export function compatibilityOf(html: string, library: typeof CanIEmail): CompatibilityReport {
  const { issues } = library.caniemail({ clients: [...CHECKED_CLIENTS], html });
  const urls = new Map(library.rawData.data.map((feature) => [feature.title, feature.url]));

  const misread = new Set(
    Object.entries(REALLY_USED)
      .filter(([, used]) => !used(html))
      .map(([feature]) => feature),
  );
  // caniemail reports a feature once for each place that uses it: count each client once.
  const byFeature = new Map<string, { clients: Set<string>; notes: Set<string>; line: number | null }>();
  for (const [client, clientIssues] of issues.errors) {
    for (const issue of clientIssues) {
      if (misread.has(issue.title)) continue;
      const entry = byFeature.get(issue.title) ?? {
        clients: new Set<string>(),
        notes: new Set<string>(),
        line: issue.position?.start.line ?? null,
      };
      entry.clients.add(client);
      for (const note of issue.notes) entry.notes.add(plainNote(note));
      byFeature.set(issue.title, entry);
    }
  }
  const unsupported = [...byFeature]
    .map(([feature, entry]) => ({
      feature,
      clients: byFamily([...entry.clients]),
      fallback: KNOWN_FALLBACKS[feature] ?? null,
      notes: [...entry.notes],
      url: urls.get(feature) ?? null,
      line: entry.line,
      count: entry.clients.size,
    }))
    // Those without a known fallback need a look first; then the most widely missing.
    .sort(
      (a, b) =>
        Number(a.fallback !== null) - Number(b.fallback !== null) ||
        b.count - a.count ||
        a.feature.localeCompare(b.feature),
    )
    .map(({ count: _count, ...feature }) => feature);

  const partialClients = new Map<string, Set<string>>();
  for (const [client, clientIssues] of issues.warnings)
    for (const issue of clientIssues)
      if (!misread.has(issue.title))
        partialClients.set(issue.title, (partialClients.get(issue.title) ?? new Set()).add(client));
  const partial = [...partialClients]
    .map(([feature, clients]) => ({ feature, clients: clients.size }))
    .sort((a, b) => b.clients - a.clients || a.feature.localeCompare(b.feature));

  return {
    checked: CHECKED_CLIENTS.map((glob) => FAMILIES[glob.replace('.*', '')] ?? glob),
    unsupported,
    partial,
    dataDate: library.rawData.last_update_date.slice(0, 10),
  };
}

/**
 * The compatibility check with caniemail loaded, or a one-line reason it cannot run (caniemail
 * is installed with the project's development dependencies).
 */
export async function loadCompatibilityCheck(): Promise<
  { ok: true; check: (html: string) => CompatibilityReport } | { ok: false; reason: string }
> {
  try {
    const library = await import('caniemail');
    return { ok: true, check: (html) => compatibilityOf(html, library) };
  } catch {
    return {
      ok: false,
      reason: 'The compatibility panel needs the caniemail package: npm install caniemail',
    };
  }
}

/** `gmail.ios`, `gmail.android` → `{ family: 'Gmail', platforms: ['iOS', 'Android'] }`, in caniemail's order. */
function byFamily(clients: string[]): UnsupportedFeature['clients'] {
  const families = new Map<string, string[]>();
  for (const client of clients) {
    const [family = client, platform = ''] = client.split('.');
    const name = FAMILIES[family] ?? family;
    families.set(name, [...(families.get(name) ?? []), PLATFORMS[platform] ?? platform]);
  }
  return [...families].map(([family, platforms]) => ({ family, platforms }));
}

/** caniemail's notes are Markdown: keep the words, drop link targets. */
function plainNote(note: string): string {
  return note.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}
