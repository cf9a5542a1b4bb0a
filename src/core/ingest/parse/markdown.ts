import { Lexer, type Token, type Tokens } from 'marked';
import type { ParsedBriefing } from '../../types.js';
import { cleanInline, isResidueLine, publisherFromCopyright, stripMarkup } from '../clean.js';
import type { FrontMatter } from './front-matter.js';
import { applyMetadata, disclaimerText, isHighlightsHeading, joinNote } from './structure.js';

type Section = 'body' | 'highlights' | 'disclaimer';

/**
 * Reads a Markdown briefing (front matter already split off). Structure comes from the Markdown
 * lexer; text stays inline Markdown so **bold**, _emphasis_ and [links](https://…) survive.
 */
export function parseMarkdownBriefing(body: string, frontMatter: FrontMatter): ParsedBriefing {
  const briefing: ParsedBriefing = { tags: [], highlights: [], paragraphs: [] };
  const disclaimer: string[] = [];
  let section: Section = 'body';
  let seenContent = false;

  const addText = (text: string) => {
    if (text === '') return;
    if (isResidueLine(text)) {
      briefing.source ??= publisherFromCopyright(text);
      return;
    }
    seenContent = true;
    if (section === 'disclaimer') disclaimer.push(text);
    else briefing.paragraphs.push(text);
  };

  for (const token of new Lexer({ gfm: true }).lex(stripMarkup(body))) {
    switch (token.type) {
      case 'heading': {
        const heading = cleanInline((token as Tokens.Heading).text);
        if (isHighlightsHeading(heading)) section = 'highlights';
        else if (disclaimerText(heading) === '') section = 'disclaimer';
        else if (!seenContent && briefing.title === undefined && (token as Tokens.Heading).depth <= 2) {
          briefing.title = heading;
          briefing.titleOrigin = 'headline';
        } else section = 'body';
        break;
      }
      case 'list':
        for (const item of (token as Tokens.List).items) {
          const text = cleanInline(item.text);
          if (section === 'highlights') briefing.highlights.push(text);
          else addText(text);
        }
        if (section === 'highlights') section = 'body';
        seenContent = true;
        break;
      case 'paragraph':
      case 'text':
      case 'blockquote':
      case 'code':
      case 'html':
        addBlock(cleanInline(blockText(token)));
        break;
      default:
        break;
    }
  }

  function addBlock(text: string) {
    if (isHighlightsHeading(text)) {
      section = 'highlights';
      return;
    }
    const note = disclaimerText(text);
    if (note !== undefined) {
      if (note === '') section = 'disclaimer';
      else disclaimer.push(note);
      return;
    }
    // A paragraph of `• ` lines is a list the Markdown lexer does not know.
    if (text.startsWith('• ')) {
      const bullets = text
        .split(/\s*•\s+/)
        .map(cleanInline)
        .filter(Boolean);
      if (section === 'highlights') briefing.highlights.push(...bullets);
      else for (const bullet of bullets) addText(bullet);
      return;
    }
    if (section === 'highlights') section = 'body';
    addText(text);
    if (section === 'disclaimer') section = 'body';
  }

  const note = joinNote(disclaimer);
  if (note) briefing.disclaimer = note;
  applyMetadata(briefing, frontMatter);
  return briefing;
}

function blockText(token: Token): string {
  if (token.type === 'code') return (token as Tokens.Code).text;
  return 'text' in token ? String(token.text) : '';
}
