import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import {
  findCycle,
  layerViolations,
  listTypeScriptFiles,
  readUnitGraph,
  type Layer,
  type UnitGraph,
} from '../helpers/import-layers.js';

const SRC = resolve('src');

/**
 * The intended architecture, bottom first. A unit (a top-level folder of src/, or a file at its
 * root) imports only units of lower layers, so the shared vocabulary can be read, changed and
 * tested without the layers that use it.
 */
const LAYERS: readonly Layer[] = [
  // The words everything else speaks: findings and their codes, the error type, safety limits,
  // the version, and the bounded cache. They import nothing but each other.
  {
    name: 'vocabulary',
    units: ['bounded-cache.ts', 'codes.ts', 'errors.ts', 'issues.ts', 'limits.ts', 'version.ts'],
  },
  // Encodings and edges to the outside world, with no NuGet knowledge: ASN.1/DER and OIDs, XML,
  // HTTP, reading files and expanding patterns.
  { name: 'encodings and edges', units: ['asn1', 'xml', 'http', 'files'] },
  // Hash algorithms NuGet accepts (named by their OIDs) and the digest helpers over them.
  { name: 'algorithms', units: ['hash-algorithms.ts', 'crypto.ts', 'fingerprint.ts'] },
  // Reading the two formats: the package (zip, nuspec) and the CMS signature inside it.
  { name: 'formats', units: ['package', 'signature'] },
  // Certificates: trust stores and chain building, and the certificate rules NuGet applies when
  // signing, timestamping and verifying alike (NuGet's Signing/Utility).
  { name: 'certificates', units: ['trust', 'certificate-rules'] },
  // Services a signature leans on: RFC 3161 timestamps and revocation (OCSP, CRL).
  { name: 'timestamps and revocation', units: ['timestamp', 'revocation'] },
  // Making a signature, and the policies a user configures (presets, nuget.config, signer rules).
  { name: 'signing and policy', units: ['sign', 'policy'] },
  // Verifying a package: the checklist that applies a policy to what the formats layer read.
  { name: 'verification', units: ['verify'] },
  // Rendering results (text, JSON, JUnit, SARIF, GitHub summaries): pure, no I/O of its own.
  { name: 'reports', units: ['report'] },
  // One run over many packages, shared by both front ends (one code path).
  { name: 'runs', units: ['run'] },
  // The two front ends; they never import each other.
  { name: 'front ends', units: ['cli', 'action'] },
];

function edgesOf(graph: UnitGraph): string[] {
  return [...graph].flatMap(([from, targets]) => [...targets].map((to) => `${from} -> ${to}`));
}

describe('folder layers of src/', () => {
  const { graph, example } = readUnitGraph(SRC);

  it('has no import cycle between folders', () => {
    const cycle = findCycle(graph);
    const where = cycle
      ?.slice(1)
      .map((to, i) => `${cycle[i]} -> ${to} (${example.get(`${cycle[i]} -> ${to}`)})`);
    expect(where).toBeUndefined();
  });

  it('imports only from lower layers', () => {
    const problems = layerViolations(graph, LAYERS).map((problem) => {
      const edge = problem.match(/^(\S+) \(.*\) imports (\S+) /);
      return edge ? `${problem}: ${example.get(`${edge[1]} -> ${edge[2]}`)}` : problem;
    });
    expect(problems).toEqual([]);
  });

  it('keeps @actions/* inside src/action', () => {
    const outside = listTypeScriptFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith(`action${sep}`))
      .filter((file) =>
        ts
          .preProcessFile(readFileSync(file, 'utf8'), true, true)
          .importedFiles.some(({ fileName }) => fileName.startsWith('@actions/')),
      )
      .map((file) => relative(SRC, file));
    expect(outside).toEqual([]);
  });

  it('keeps the CLI and the action apart', () => {
    const between = edgesOf(graph).filter((edge) => /^(cli -> action|action -> cli)$/.test(edge));
    expect(between).toEqual([]);
  });
});

describe('the layer checker itself', () => {
  const graphOf = (edges: Record<string, string[]>): UnitGraph =>
    new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

  it('names the cycle in a graph that has one', () => {
    const graph = graphOf({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] });
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('finds no cycle in a graph without one', () => {
    expect(findCycle(graphOf({ a: ['b', 'c'], b: ['c'], c: [] }))).toBeUndefined();
  });

  it('reports an import that points up or sideways, and a unit the table misses', () => {
    const layers: Layer[] = [
      { name: 'bottom', units: ['low', 'x.ts', 'y.ts'] },
      { name: 'top', units: ['high', 'peer'] },
    ];
    const graph = graphOf({
      low: ['high'],
      high: ['low', 'peer'],
      peer: [],
      'x.ts': ['y.ts'],
      stray: ['low'],
    });
    expect(layerViolations(graph, layers)).toEqual([
      'high (top) imports peer (top), which is not in a lower layer',
      'low (bottom) imports high (top), which is not in a lower layer',
      'stray is in no layer of the table',
    ]);
  });

  it('reads import type, export from, dynamic import() from source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'layers-'));
    try {
      const write = (path: string, text: string): void => {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      write(
        'a/one.ts',
        "import type { B } from '../b/two.js';\nexport { C } from '../c/three.js';\n",
      );
      write('b/two.ts', "const d = await import('../d/four.js');\nimport '@actions/core';\n");
      write('c/three.ts', "import { V } from '../vocab.js';\n");
      write('d/four.ts', "import { W } from '../e/five.js';\n");
      write('e/five.ts', '');
      write('vocab.ts', '');
      const { graph } = readUnitGraph(dir);
      expect(edgesOf(graph).sort()).toEqual([
        'a -> b',
        'a -> c',
        'b -> d',
        'c -> vocab.ts',
        'd -> e',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
