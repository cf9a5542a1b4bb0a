import { SaxesParser } from 'saxes';

/** An element of a parsed XML document: its name, attributes, child elements and its own text. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * Parses a document with saxes, a conforming XML 1.0 parser: anything that is not well-formed
 * (a disallowed character, `]]>` in text, a bad entity, an unclosed tag) throws with its position.
 */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element: XmlElement = {
      name: tag.name,
      attributes: Object.fromEntries(
        Object.entries(tag.attributes).map(([name, value]) => [name, value.value]),
      ),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    root ??= element;
    stack.push(element);
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** The child elements of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The one child named `name`'s text; throws when there is not exactly one. */
export function childText(element: XmlElement, name: string): string {
  const found = childrenNamed(element, name);
  if (found.length !== 1) throw new Error(`${element.name} has ${found.length} <${name}>, not one`);
  return found[0]?.text ?? '';
}
