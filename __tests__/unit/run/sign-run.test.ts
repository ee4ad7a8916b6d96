import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSigning, type SignRunOptions } from '../../../src/run/sign-run.js';
import { createTestPki, type TestPki } from '../../helpers/pki.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../../helpers/zip-builder.js';

const temp = useTempDir();
let pki: TestPki;
let key: SignRunOptions['key'];
let roots: string;

beforeAll(async () => {
  pki = await createTestPki();
  key = {
    privateKeyPem: pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString(),
    certificateChainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
    source: 'test key',
  };
  roots = temp.write('roots.pem', `${pki.root.pem}\n`);
});

function options(packages: string[], extra: Partial<SignRunOptions> = {}): SignRunOptions {
  return {
    packages,
    key,
    hashAlgorithm: 'sha256',
    timestampUrls: [],
    timestampHashAlgorithm: 'sha256',
    overwrite: false,
    trustedRoots: [roots],
    allowUntrustedRoot: false,
    nugetOrgAdvice: false,
    now: () => new Date(),
    ...extra,
  };
}

/** An unsigned package `<folder>/<id>.1.0.0.nupkg` holding one file that names its folder. */
function unsignedPackage(folder: string, id: string): string {
  mkdirSync(temp.path(folder), { recursive: true });
  const path = join(temp.path(folder), `${id}.1.0.0.nupkg`);
  const marker = { name: `${folder}.txt`, data: Buffer.from(folder) };
  writeFileSync(path, buildZip({ entries: [nuspecEntry(id, '1.0.0'), marker] }));
  return path;
}

describe('runSigning with several packages in flight', () => {
  it('signs twelve packages and reports them in the order they were named', async () => {
    const files = Array.from({ length: 12 }, (_, i) =>
      unsignedPackage('twelve', `Order.${String(i).padStart(2, '0')}`),
    );
    const done: number[] = [];
    const { outcomes } = await runSigning(
      options(files, { onProgress: (count) => done.push(count) }),
    );
    expect(outcomes.map((o) => [o.file, o.signed, o.error?.code])).toEqual(
      files.map((file) => [file, true, undefined]),
    );
    expect(done).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('writes two packages of one name into one --output folder in turn: the last named wins', async () => {
    const first = unsignedPackage('left', 'Same');
    const second = unsignedPackage('right', 'Same');
    const output = temp.path('signed');
    const { outcomes } = await runSigning(options([first, second], { outputDirectory: output }));
    expect(outcomes.map((o) => [o.file, o.signed, o.error?.code])).toEqual([
      [first, true, undefined],
      [second, true, undefined],
    ]);
    // As in a one-at-a-time run, the folder holds the second package, signed.
    const written = readFileSync(join(output, 'Same.1.0.0.nupkg')).toString('latin1');
    expect(written).toContain('right.txt');
    expect(written).not.toContain('left.txt');
    expect(written).toContain('.signature.p7s');
  });
});
