import { SaxesParser, type SaxesTagNS } from 'saxes';
import { LIMITS } from '../limits.js';
import { XmlLimitError, XmlSyntaxError } from './errors.js';
import { LineCounter } from './line-counter.js';

/**
 * The project's one XML reader: saxes (strict, streaming, linear time) with our limits and our
 * error messages, within LIMITS.maxXmlDepth, maxXmlElements and maxXmlValueChars. Well-formedness is checked as strictly as .NET's XmlReader does, namespaces
 * included. A DOCTYPE is refused (NuGet's readers prohibit DTDs), so no entity is ever defined,
 * loaded from outside or expanded: only the five predefined entities and character references.
 */

export interface XmlStartTag {
  /** The qualified name as written, e.g. `metadata` or `n:id`. */
  readonly name: string;
  readonly localName: string;
  /** The element's namespace URI, '' for none. */
  readonly namespace: string;
  /** The default namespace (`xmlns="…"`) in scope at this element: its children's, unprefixed. */
  readonly defaultNamespace: string;
  /** Attribute values by qualified name as written (namespace declarations included). */
  readonly attributes: ReadonlyMap<string, string>;
  /** The line of the element's `<`. */
  readonly line: number;
  /** 1 for the root element. */
  readonly depth: number;
}

export interface XmlHandler {
  startElement?(tag: XmlStartTag): void;
  endElement?(): void;
  /** Character data between markup (entities decoded); `cdata` for a CDATA section. */
  text?(text: string, cdata: boolean): void;
}

/** Reads a whole document, calling `handler` for each event; throws XmlSyntaxError/XmlLimitError. */
export function readXml(source: string, handler: XmlHandler): void {
  const parser = new SaxesParser({ xmlns: true });
  const lines = new LineCounter(source);
  const open: { name: string; line: number; defaultNamespace: string }[] = [];
  let lastClosed = { name: '', line: 0 };
  let rootClosed = false;
  let opening = '';
  let elements = 0;

  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, parser.line);
  };
  const checkLength = (value: string, what: string): void => {
    if (value.length > LIMITS.maxXmlValueChars) {
      throw new XmlLimitError(
        `${what} is longer than ${LIMITS.maxXmlValueChars} characters, the limit for one XML value`,
        parser.line,
      );
    }
  };

  // saxes prefixes its messages with "line:column: "; our errors carry the line separately.
  parser.on('error', (error) => fail(translate(error.message.replace(/^\d+:\d+: /, ''))));
  parser.on('doctype', () =>
    fail('DOCTYPE declarations are not supported (NuGet prohibits DTDs in its XML files)'),
  );
  parser.on('opentagstart', (tag) => {
    opening = tag.name;
    if (++elements > LIMITS.maxXmlElements) {
      throw new XmlLimitError(
        `the file has more than ${LIMITS.maxXmlElements} elements, the limit for XML files`,
        parser.line,
      );
    }
    if (open.length >= LIMITS.maxXmlDepth) {
      throw new XmlLimitError(
        `elements are nested more than ${LIMITS.maxXmlDepth} deep, the limit for XML files`,
        parser.line,
      );
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const line = lines.lineAt(source.lastIndexOf('<', parser.position - 1));
    const parent = open[open.length - 1];
    const defaultNamespace = tag.ns[''] ?? parent?.defaultNamespace ?? '';
    const attributes = new Map<string, string>();
    for (const [name, attribute] of Object.entries(tag.attributes)) {
      checkLength(attribute.value, `the value of attribute ${name} of <${tag.name}>`);
      attributes.set(name, attribute.value);
    }
    open.push({ name: tag.name, line, defaultNamespace });
    handler.startElement?.({
      name: tag.name,
      localName: tag.local,
      namespace: tag.uri,
      defaultNamespace,
      attributes,
      line,
      depth: open.length,
    });
  });
  parser.on('closetag', () => {
    lastClosed = open.pop() ?? lastClosed;
    if (open.length === 0) rootClosed = true;
    handler.endElement?.();
  });
  parser.on('text', (text) => {
    checkLength(text, `the text in <${open[open.length - 1]?.name ?? ''}>`);
    if (open.length > 0) handler.text?.(text, false);
  });
  parser.on('cdata', (text) => {
    checkLength(text, `a CDATA section in <${open[open.length - 1]?.name ?? ''}>`);
    handler.text?.(text, true);
  });

  /** saxes's messages, reworded to say what to fix, with the name or entity involved. */
  function translate(message: string): string {
    const at = parser.position;
    if (message === 'unexpected close tag.') {
      const start = source.lastIndexOf('</', at - 1) + 2;
      const found = /^[^\s>]*/.exec(source.slice(start, Math.min(at, start + 1024)))?.[0] ?? '';
      return `expected </${lastClosed.name}> (opened at line ${lastClosed.line}), found </${found}>`;
    }
    if (message === 'undefined entity.') {
      const start = source.lastIndexOf('&', at - 1);
      return `unknown entity ${source.slice(start, Math.min(at, start + 64))} (only &amp; &lt; &gt; &quot; &apos; and character references are defined)`;
    }
    if (message.startsWith('duplicate attribute: '))
      return `attribute ${message.slice(21, -1)} appears twice in <${opening}>`;
    if (message === 'unquoted attribute value.') return 'attribute values must be quoted';
    if (
      message === 'documents may contain only one root.' ||
      message === 'text data outside of root node.'
    )
      return rootClosed ? 'unexpected content after the root element' : 'expected the root element';
    if (
      message === 'an XML declaration must be at the start of the document.' ||
      message === 'the XML declaration must appear at the start of the document.'
    )
      return 'the XML declaration is not at the start of the file';
    if (message.startsWith('unclosed tag: ')) {
      const top = open[open.length - 1];
      return `<${top?.name ?? message.slice(14)}> (line ${top?.line ?? 0}) is not closed`;
    }
    return message.replace(/\.$/, '');
  }

  parser.write(source).close();
}
