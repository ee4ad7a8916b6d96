/**
 * The XML reader's bounds (issue 11): linear time on the shapes that made the old regular
 * expressions backtrack, the depth, value and element limits, and no DTD processing at all.
 */
import { LIMITS } from '../../../src/limits.js';
import { readXmlTree } from '../../../src/xml/element-tree.js';
import { XmlLimitError, XmlSyntaxError } from '../../../src/xml/errors.js';
import { readXml, type XmlStartTag } from '../../../src/xml/read-xml.js';

const TIME_BOUND_MS = 5000;

/** Runs `read`, asserting it takes less than the bound; returns the error it threw, if any. */
function timed(read: () => void): unknown {
  const started = performance.now();
  let thrown: unknown;
  try {
    read();
  } catch (error) {
    thrown = error;
  }
  expect(performance.now() - started).toBeLessThan(TIME_BOUND_MS);
  return thrown;
}

const parse = (xml: string) => timed(() => readXml(xml, {}));

describe('readXml', () => {
  it.each([
    ['<id> and 3,000 spaces, unclosed', `<package><metadata><id>${' '.repeat(3000)}`],
    ['<id> and 100,000 spaces, unclosed', `<package><metadata><id>${' '.repeat(100_000)}`],
    ['an unclosed comment of 1 MB', `<package><!--${'-'.repeat(1 << 20)}`],
    ['an unclosed attribute of 1 MB', `<package a="${' '.repeat(1 << 20)}`],
  ])('refuses %s with a syntax error, in bounded time', (_name, xml) => {
    const error = parse(xml);
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect(error).not.toBeInstanceOf(XmlLimitError);
  });

  it.each([
    ['100,000 repeated <metadata> tags, unclosed', `<package>${'<metadata>'.repeat(100_000)}`],
    [
      '100,000 repeated <metadata> tags, closed',
      `<package>${'<metadata></metadata>'.repeat(100_000)}</package>`,
    ],
    ['4 MiB of <b/>', `<a>${'<b/>'.repeat(1 << 20)}</a>`],
  ])('refuses %s with a limit error (depth or element count), in bounded time', (_name, xml) => {
    expect(parse(xml)).toBeInstanceOf(XmlLimitError);
  });

  it(`refuses elements nested deeper than ${LIMITS.maxXmlDepth} with a limit error and the line`, () => {
    const error = parse(`<a>\n${'<b>'.repeat(100_000)}${'</b>'.repeat(100_000)}</a>`);
    expect(error).toBeInstanceOf(XmlLimitError);
    expect((error as XmlLimitError).line).toBe(2);
    expect((error as Error).message).toMatch(`nested more than ${LIMITS.maxXmlDepth} deep`);
  });

  it(`reads ${LIMITS.maxXmlDepth} levels`, () => {
    const depth = LIMITS.maxXmlDepth;
    expect(parse(`${'<b>'.repeat(depth)}${'</b>'.repeat(depth)}`)).toBeUndefined();
  });

  it.each([
    ['an attribute value', `<a v="${'x'.repeat(LIMITS.maxXmlValueChars + 1)}"/>`],
    ['a text run', `<a>${'x'.repeat(LIMITS.maxXmlValueChars + 1)}</a>`],
    ['a CDATA section', `<a><![CDATA[${'x'.repeat(LIMITS.maxXmlValueChars + 1)}]]></a>`],
  ])('refuses %s over the value limit', (_name, xml) => {
    expect(parse(xml)).toBeInstanceOf(XmlLimitError);
  });

  it.each([
    [
      'internal entities (billion laughs)',
      '<!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;">]><a>&l2;</a>',
    ],
    [
      'an external entity (XXE)',
      '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    ],
    ['an external DTD', '<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>'],
    ['a parameter entity', '<!DOCTYPE a [<!ENTITY % p SYSTEM "file:///dev/zero"> %p;]><a/>'],
    ['an entity it never declared', '<a>&x;</a>'],
  ])('refuses %s: nothing is loaded or expanded', (_name, xml) => {
    const seen: string[] = [];
    const error = timed(() => readXml(xml, { text: (t) => seen.push(t) }));
    expect(error).toBeInstanceOf(XmlSyntaxError);
    expect(seen.join('')).not.toMatch(/lol|root:/);
  });

  it('resolves namespaces: local name, namespace and the default namespace in scope', () => {
    const tags: XmlStartTag[] = [];
    readXml(
      '<n:package xmlns:n="urn:nuspec"><n:metadata><id xmlns="urn:other"/><n:id/></n:metadata></n:package>',
      { startElement: (tag) => tags.push(tag) },
    );
    expect(
      tags.map((t) => [t.name, t.localName, t.namespace, t.defaultNamespace, t.depth]),
    ).toEqual([
      ['n:package', 'package', 'urn:nuspec', '', 1],
      ['n:metadata', 'metadata', 'urn:nuspec', '', 2],
      ['id', 'id', 'urn:other', 'urn:other', 3],
      ['n:id', 'id', 'urn:nuspec', '', 3],
    ]);
  });

  it('gives each element the line of its "<", with CR LF and lone CR line ends', () => {
    const tags: XmlStartTag[] = [];
    readXml('<a>\r\n<b\r\n x="1"/>\r<c/>\n<d/></a>', { startElement: (tag) => tags.push(tag) });
    expect(tags.map((t) => [t.name, t.line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 4],
      ['d', 5],
    ]);
  });

  it('refuses an undeclared namespace prefix, as .NET does', () => {
    expect(parse('<a><x:b/></a>')).toBeInstanceOf(XmlSyntaxError);
  });
});

describe('readXmlTree', () => {
  it(`refuses more than ${LIMITS.maxXmlElements} elements with a limit error`, () => {
    const error = timed(() => readXmlTree(`<a>${'<b/>'.repeat(LIMITS.maxXmlElements)}</a>`));
    expect(error).toBeInstanceOf(XmlLimitError);
    expect((error as Error).message).toMatch(`more than ${LIMITS.maxXmlElements} elements`);
  });

  it(`reads ${LIMITS.maxXmlElements} elements`, () => {
    const root = readXmlTree(`<a>${'<b/>'.repeat(LIMITS.maxXmlElements - 1)}</a>`);
    expect(root.children).toHaveLength(LIMITS.maxXmlElements - 1);
  });

  it('keeps names, attributes, own text (CDATA included) and lines', () => {
    const root = readXmlTree('<a x="1">t<![CDATA[<c>]]>\n<b y="&amp;"/></a>');
    expect(root).toMatchObject({ name: 'a', text: 't<c>\n', line: 1 });
    expect(root.attributes.get('x')).toBe('1');
    expect(root.children[0]).toMatchObject({ name: 'b', line: 2 });
    expect(root.children[0]?.attributes.get('y')).toBe('&');
  });
});
