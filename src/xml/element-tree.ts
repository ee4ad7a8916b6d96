import { XmlSyntaxError } from './errors.js';
import { readXml } from './read-xml.js';

/** A small element tree over {@link readXml}, for documents read whole (nuget.config). */
export interface XmlElement {
  /** The qualified name as written. */
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  /** The element's own text content (children's text excluded), entities and CDATA decoded. */
  readonly text: string;
  readonly line: number;
}

interface Building {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  text: string;
  readonly line: number;
}

/** Parses a whole document into its root element (readXml bounds its element count). */
export function readXmlTree(source: string): XmlElement {
  const stack: Building[] = [];
  let root: Building | undefined;
  readXml(source, {
    startElement(tag) {
      const element: Building = {
        name: tag.name,
        attributes: tag.attributes,
        children: [],
        text: '',
        line: tag.line,
      };
      stack[stack.length - 1]?.children.push(element);
      root ??= element;
      stack.push(element);
    },
    endElement() {
      stack.pop();
    },
    text(text) {
      const current = stack[stack.length - 1];
      if (current) current.text += text;
    },
  });
  // readXml has already refused a document without a root element.
  if (!root) throw new XmlSyntaxError('expected the root element', 1);
  return root;
}
