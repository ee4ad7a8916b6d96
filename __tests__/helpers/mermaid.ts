import { spawnSync } from 'node:child_process';

/**
 * Mermaid's own flowchart parser, as GitHub runs it to draw a ```mermaid block. Mermaid needs a
 * DOM for its sanitiser (jsdom here) and does not load inside Jest's module sandbox, so the
 * diagrams are parsed in one child `node` process per call and the parsed nodes and edges come
 * back as JSON. A diagram Mermaid rejects comes back as its error message.
 */
export interface ParsedFlowchart {
  readonly vertices: readonly {
    readonly id: string;
    readonly text: string;
    readonly link?: string;
  }[];
  readonly edges: readonly { readonly start: string; readonly end: string }[];
  /** Configuration the diagram set itself (an `%%{init}%%` directive); {} for none. */
  readonly config: unknown;
  readonly error?: string;
}

const SCRIPT = `
import { JSDOM } from 'jsdom';
const dom = new JSDOM('');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const { config } = await mermaid.parse(text);
    const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
    out.push({
      vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: v.text, link: v.link })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end })),
      config,
    });
  } catch (error) {
    out.push({ vertices: [], edges: [], config: {}, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(out));
`;

export function parseFlowcharts(diagrams: readonly string[]): ParsedFlowchart[] {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    input: JSON.stringify(diagrams),
    encoding: 'utf8',
    cwd: process.cwd(),
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`Mermaid parser failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as ParsedFlowchart[];
}

/** Mermaid keeps entity codes as placeholders until it draws; this is the text it then shows. */
export function shownText(text: string | undefined): string {
  return (text ?? '')
    .replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name: string) => `&${name};`);
}
