// Records what `dotnet nuget verify --all` says about every package of the shared corpus, as the
// oracle table the corpus tests compare against: file, exit code, codes (e = error, w = warning),
// and the message NuGet prints without a code for fatal read errors.
// Usage: node scripts/record-dotnet-verdicts.mjs [CORPUS_DIR] > __tests__/data/dotnet-verify-corpus.tsv
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const corpus = process.argv[2] ?? '../shared/corpus';
const lines = ['file\texit\tcodes\tuncoded_error'];
for (const dir of ['real', 'tampered']) {
  for (const name of readdirSync(join(corpus, dir)).sort()) {
    if (!/\.(nupkg|zip)$/.test(name)) continue;
    const run = spawnSync(
      'dotnet',
      ['nuget', 'verify', '--all', '-v', 'n', join(corpus, dir, name)],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          NUGET_CERT_REVOCATION_MODE: 'offline',
          DOTNET_CLI_TELEMETRY_OPTOUT: '1',
        },
      },
    );
    const out = `${run.stdout}\n${run.stderr}`;
    const codes = [
      ...new Set([...out.matchAll(/^(error|warn) ?: (NU\d{4})/gm)].map((m) => `${m[1][0]}${m[2]}`)),
    ].sort();
    const uncoded =
      out.match(
        /^error: (?!NU\d)(?!.*is not a valid package file)(?!The file is not a valid nupkg)(.*)$/m,
      )?.[1] ?? '';
    lines.push(`${dir}/${name}\t${run.status}\t${codes.join(' ')}\t${uncoded.trim()}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
