import { escapeUTF8 } from 'entities/escape';

/**
 * Characters that may not appear in an XML 1.0 document at all (C0 controls other than tab, line
 * feed and carriage return; lone surrogates; U+FFFE and U+FFFF), and DEL and the C1 controls,
 * which XML 1.0 discourages and HTML treats as errors. None of them is text a reader could see.
 */
const NOT_TEXT = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text (a subject, a preheader, a whole archived page) as it may stand in HTML or XML, in an
 * element or a quoted attribute: `& < > " '` escaped and characters that no document may hold
 * removed, so `]]>`, `<script>` or a NUL from a briefing stay harmless text.
 *
 * @example
 * markupText('Tin & <b>zinc</b>\u0000') // 'Tin &amp; &lt;b&gt;zinc&lt;/b&gt;'
 */
export function markupText(text: string): string {
  return escapeUTF8(text.replace(NOT_TEXT, ''));
}
