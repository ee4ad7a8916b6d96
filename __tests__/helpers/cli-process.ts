import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { CHILD_PEAK_RSS } from './memory.js';

/**
 * The CLI run from this checkout's sources in a child process, so a test measures what a user's
 * run costs (wall time, peak RSS) apart from Jest's own memory. The sources are transpiled once
 * (TypeScript's transpileModule, no type check: a second or two) into a folder inside the
 * checkout, where `node_modules` and the bundled trust roots are found as in a real install.
 */
export interface CliFromSources {
  run(args: readonly string[], env?: NodeJS.ProcessEnv): CliRun;
  remove(): void;
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Peak resident set size of the CLI process (getrusage), in MiB. */
  readonly peakRssMiB: number;
}

const ROOT = process.cwd();

export function transpileCli(): CliFromSources {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const out = mkdtempSync(join(ROOT, '.tmp', 'cli-from-sources-'));
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  // JSON the sources import by relative path.
  for (const folder of ['data', 'schema']) symlinkSync(join(ROOT, folder), join(out, folder));
  // Reports the process's own peak RSS as it exits, in KiB (see CHILD_PEAK_RSS).
  const reporter = join(out, 'report-peak-rss.mjs');
  writeFileSync(
    reporter,
    `import { writeFileSync } from 'node:fs';\n${CHILD_PEAK_RSS.imports}\nprocess.on('exit', () => writeFileSync(process.env.PEAK_RSS_REPORT, String(${CHILD_PEAK_RSS.expression})));\n`,
  );

  const entry = join(out, 'src', 'cli', 'index.js');
  let runs = 0;
  return {
    run(args, env = {}) {
      const report = join(out, `peak-rss-${++runs}.txt`);
      const started = performance.now();
      // Through a shell that forks it (`; exit` keeps the shell from exec'ing it instead): Linux
      // carries ru_maxrss across exec, and a child exec'd straight from Jest would report Jest's.
      const command = [process.execPath, '--import', reporter, entry, ...args];
      const child = spawnSync('/bin/sh', ['-c', '"$@"; exit $?', 'sh', ...command], {
        encoding: 'utf8',
        env: { ...process.env, ...env, PEAK_RSS_REPORT: report },
        maxBuffer: 64 * 1024 * 1024,
      });
      const seconds = (performance.now() - started) / 1000;
      const peakKiB = Number(readFileSync(report, 'utf8'));
      return {
        status: child.status,
        stdout: child.stdout,
        stderr: child.stderr,
        seconds,
        peakRssMiB: peakKiB / 1024,
      };
    },
    remove() {
      rmSync(out, { recursive: true, force: true });
    },
  };
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
