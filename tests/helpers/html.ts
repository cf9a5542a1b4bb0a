import { Parser } from 'htmlparser2';

/** What a browser would treat as active content in an HTML document: script-capable elements, event handlers, unsafe links. */
export function activeContent(html: string): string[] {
  const found: string[] = [];
  const parser = new Parser({
    onopentag(name, attributes) {
      if (['script', 'iframe', 'object', 'embed', 'img', 'form', 'svg', 'math', 'base'].includes(name))
        found.push(`<${name}>`);
      for (const [attribute, value] of Object.entries(attributes)) {
        if (/^on/i.test(attribute)) found.push(`${name} ${attribute}=`);
        if (['href', 'src', 'action'].includes(attribute) && !/^(?:https?:|mailto:|%%)/i.test(value.trim())) {
          found.push(`${name} ${attribute}="${value}"`);
        }
      }
    },
  });
  parser.write(html);
  parser.end();
  return found;
}
