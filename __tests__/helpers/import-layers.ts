import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/**
 * The import graph of src/ between units: a unit is a top-level folder of src/ ("sign") or a file
 * at the root of src/ ("issues.ts"). Root files are units of their own because the shared
 * vocabulary lives there, and grouping it as one folder would hide which file leans on which.
 */
export type UnitGraph = ReadonlyMap<string, ReadonlySet<string>>;

/** One layer of the intended architecture: its units may import only units of lower layers. */
export interface Layer {
  readonly name: string;
  readonly units: readonly string[];
}

/** Every `.ts` file below `dir`, as absolute paths. */
export function listTypeScriptFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listTypeScriptFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** The unit a file belongs to: its top-level folder under `srcDir`, or the file itself at the root. */
export function unitOf(file: string, srcDir: string): string {
  const path = relative(srcDir, file).split(sep).join('/');
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash);
}

/**
 * Reads every relative import of every file under `srcDir` (static, `import type`, `export … from`
 * and dynamic `import()`, as the TypeScript compiler sees them) and returns the edges between
 * units, keeping for each edge one importing file so a failure can point at it.
 */
export function readUnitGraph(srcDir: string): {
  graph: UnitGraph;
  example: ReadonlyMap<string, string>;
} {
  const graph = new Map<string, Set<string>>();
  const example = new Map<string, string>();
  for (const file of listTypeScriptFiles(srcDir)) {
    const from = unitOf(file, srcDir);
    if (!graph.has(from)) graph.set(from, new Set());
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), fileName.replace(/\.js$/, '.ts'));
      if (!target.endsWith('.ts') || relative(srcDir, target).startsWith('..')) continue;
      const to = unitOf(target, srcDir);
      if (to === from) continue;
      graph.get(from)?.add(to);
      const key = `${from} -> ${to}`;
      if (!example.has(key)) example.set(key, relative(srcDir, file).split(sep).join('/'));
    }
  }
  return { graph, example };
}

/** One cycle of the graph as a path that ends where it starts (`a -> b -> a`), or undefined. */
export function findCycle(graph: UnitGraph): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (unit: string): string[] | undefined => {
    if (onPath.has(unit)) return [...path.slice(path.indexOf(unit)), unit];
    if (done.has(unit)) return undefined;
    path.push(unit);
    onPath.add(unit);
    for (const next of [...(graph.get(unit) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(unit);
    done.add(unit);
    return undefined;
  };
  for (const unit of [...graph.keys()].sort()) {
    const cycle = visit(unit);
    if (cycle) return cycle;
  }
  return undefined;
}

/** True for a unit that is a file at the root of src/ rather than a folder. */
function isRootFile(unit: string): boolean {
  return unit.endsWith('.ts');
}

/**
 * Every edge that does not point to a lower layer, and every unit the table does not place. Root
 * files of one layer may import each other (they are one folder; the cycle check still covers
 * them); folders may import only units of lower layers.
 */
export function layerViolations(graph: UnitGraph, layers: readonly Layer[]): string[] {
  const layerOf = new Map<string, number>();
  layers.forEach((layer, index) => {
    for (const unit of layer.units) layerOf.set(unit, index);
  });
  const problems: string[] = [];
  for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    const fromLayer = layerOf.get(from);
    if (fromLayer === undefined) {
      problems.push(`${from} is in no layer of the table`);
      continue;
    }
    for (const to of [...targets].sort()) {
      const toLayer = layerOf.get(to);
      if (toLayer === undefined) continue; // reported as its own unit when it has files
      const sameLayerRootFiles = toLayer === fromLayer && isRootFile(from) && isRootFile(to);
      if (toLayer < fromLayer || sameLayerRootFiles) continue;
      problems.push(
        `${from} (${layers[fromLayer]?.name}) imports ${to} (${layers[toLayer]?.name}), ` +
          'which is not in a lower layer',
      );
    }
  }
  return problems;
}
