import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRootCa, type TestCa, type TestCertificate } from '../../helpers/pki.js';
import { runCliInProcess } from '../../helpers/cli-in-process.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip } from '../../helpers/zip-builder.js';

/**
 * Workflow-command injection through the CLI's text output (issue 11, finding 2): a package id and
 * version, a certificate subject and file names that carry CR/LF followed by a GitHub Actions or
 * Azure Pipelines command, and terminal escape sequences. No line of stdout or stderr may be a
 * command; each value stays readable in escaped form.
 */
const NOW = new Date('2025-06-01T12:00:00Z');
const SET_OUTPUT = '::set-output name=valid::true';
const SET_VARIABLE = '##vso[task.setvariable variable=VALID]true';
const ESCAPES = '\x1b[2J\x1b]0;owned\x07\x9b31m\u202e';
const temp = useTempDir();

let root: TestCa;
let leaf: TestCertificate;
let files: { key: string; chain: string; roots: string };

/** A DirectoryString holding `text` as raw UTF-8 (RFC 4514 `#hex` form), CR and LF included. */
function rawName(attribute: string, text: string): string {
  const value = Buffer.from(text, 'utf8');
  if (value.length > 127) throw new Error('keep test names short');
  return `${attribute}=#${Buffer.concat([Buffer.from([0x0c, value.length]), value]).toString('hex')}`;
}

beforeAll(async () => {
  root = await createRootCa({ subject: 'CN=Output Injection Test Root' });
  const intermediate = await root.issueIntermediate();
  leaf = await intermediate.issueLeaf({
    subject: `${rawName('CN', `Contoso\r\n${SET_OUTPUT}\r${SET_VARIABLE}\n${ESCAPES}`)}`,
  });
  const keyPem = leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  files = {
    key: temp.write('leaf.key.pem', keyPem),
    chain: temp.write('chain.pem', `${leaf.pem}\n${intermediate.pem}\n`),
    roots: temp.write('roots.pem', `${root.pem}\n`),
  };
});

// Discovery off: a nuget.config above the checkout or in the real home must not change verdicts.
const run = (...argv: string[]) => runCliInProcess(argv, { now: NOW, nugetConfigDiscovery: false });

/** A package whose nuspec states `id` and `version` exactly as given (XML text). */
function writePackage(directory: string, fileName: string, id: string, version: string): string {
  mkdirSync(directory, { recursive: true });
  const nuspec = `<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">\n  <metadata>\n    <id>${id}</id>\n    <version>${version}</version>\n    <authors>test</authors>\n    <description>test</description>\n  </metadata>\n</package>\n`;
  const zip = buildZip({
    entries: [
      { name: 'Hostile.nuspec', data: Buffer.from(nuspec), method: 8 },
      { name: 'content/readme.txt', data: Buffer.from('readme\n'), method: 0 },
    ],
  });
  const path = join(directory, fileName);
  writeFileSync(path, zip);
  return path;
}

/** Every line as a runner reads it: no command may start it or stand in it. */
function expectNoCommandLine(output: string): void {
  for (const line of output.split(/\r\n|[\n\r\u0085\u2028\u2029]/)) {
    expect(line.trimStart().startsWith('::')).toBe(false);
    expect(line).not.toMatch(/##(?:vso)?\[/i);
    expect(line).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  }
}

describe('hostile values in the CLI text output', () => {
  // The version stays valid: NuGet (and we) refuse a package whose version does not parse, so a
  // hostile version never reaches the PASS line (it ends as an escaped NUPKG001 message instead).
  const cases = [
    { label: 'raw CR/LF', id: `Evil\r\n${SET_OUTPUT}${SET_VARIABLE}`, version: '1.0.0' },
    {
      label: 'XML character references',
      id: `Evil&#13;&#10;${SET_OUTPUT}&#13;${SET_VARIABLE}`,
      version: '1.0.0',
    },
  ];

  it.each(cases)(
    'sign and verify print the id, version, subject and file name ($label) escaped',
    async ({ id, version }) => {
      const directory = temp.path(`pkgs-${id.length}-${version.length}`);
      const fileName = `pkg\n${SET_OUTPUT}\r${SET_VARIABLE}.nupkg`;
      const path = writePackage(directory, fileName, id, version);

      const signed = await run(
        'sign',
        '--private-key',
        files.key,
        '--certificate-chain',
        files.chain,
        '--trusted-roots',
        files.roots,
        path,
      );
      expect(signed.stderr).toBe('');
      expect(signed.code).toBe(0);
      expectNoCommandLine(signed.stdout);
      expect(signed.stdout).toContain(`pkg\\n${SET_OUTPUT}\\r##vso\\x5btask.setvariable`);

      const verified = await run(
        'verify',
        '--trusted-roots',
        files.roots,
        '--revocation-mode',
        'offline',
        directory,
      );
      expect(verified.stderr).toBe('');
      expect(verified.code).toBe(0);
      expectNoCommandLine(verified.stdout);
      // Every line is one of the report's own: data never starts a line.
      for (const line of verified.stdout.trimEnd().split('\n'))
        expect(line).toMatch(/^(?:PASS |FAIL | {2}|$|\d+ valid, \d+ invalid(?: \(.*\))?$)/);
      expect(verified.stdout).toContain(`/pkg\\n${SET_OUTPUT}\\r##vso\\x5btask.setvariable`);
      // The subject's CN, readable: line breaks and escape sequences spelled out.
      expect(verified.stdout).toContain(
        `primary author: Contoso\\r\\n${SET_OUTPUT}\\r##vso\\x5btask.setvariable variable=VALID]true\\n\\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202e, `,
      );
      // The id and version as the nuspec reader understood them, on the PASS line.
      expect(verified.stdout).toMatch(/^PASS .*\.nupkg Evil(?:\\r|\\n|&#13;|&#10;)/m);

      const json = await run(
        'verify',
        '--json',
        '--trusted-roots',
        files.roots,
        '--revocation-mode',
        'offline',
        path,
      );
      expectNoCommandLine(json.stdout);
      // --json parses to the exact values.
      const [result] = (
        JSON.parse(json.stdout) as {
          results: { file: string; signatures: { signer: { subject: string } }[] }[];
        }
      ).results;
      expect(resolve(result?.file ?? '')).toBe(path);
      expect(result?.signatures[0]?.signer.subject).toContain(`\r\n${SET_OUTPUT}\r${SET_VARIABLE}`);
    },
  );

  it('prints a file name from an error on stderr as one escaped line', async () => {
    const missing = temp.path(`missing\n${SET_OUTPUT}\r${SET_VARIABLE}.nupkg`);
    const result = await run('verify', missing);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectNoCommandLine(result.stderr);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(result.stderr).toContain(`missing\\n${SET_OUTPUT}\\r##vso\\x5b`);
  });

  it('breaks a command that a file name places at the start of a line', async () => {
    const directory = temp.path('policy');
    mkdirSync(directory, { recursive: true });
    const name = `${SET_OUTPUT}.yml`;
    writeFileSync(join(directory, name), 'version: 1\naccounts: {}\npackages: []\n');
    const previous = process.cwd();
    process.chdir(directory);
    try {
      const result = await run('policy', 'check', name);
      expectNoCommandLine(result.stdout);
      expectNoCommandLine(result.stderr);
      expect(`${result.stdout}${result.stderr}`).toContain('\\x3a:set-output name=valid::true.yml');
    } finally {
      process.chdir(previous);
    }
  });
});
