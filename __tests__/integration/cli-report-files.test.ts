import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import MarkdownIt from 'markdown-it';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { parseFlowcharts } from '../helpers/mermaid.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { useTempDir } from '../helpers/temp-files.js';
import { timestampAuthorityOf } from '../helpers/tsa.js';
import { startTsaServer, type TsaServer } from '../helpers/tsa-server.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';

/**
 * The CLI's CI outputs: --sarif (checked against the SARIF 2.1.0 schema), --junit (parsed as
 * XML), --summary (rendered by markdown-it), --fail-on, Azure Pipelines issues under TF_BUILD, and
 * sign --no-nuget-org-advice, which lets a private CA pass --fail-on warning.
 */
const FIXTURES = join(import.meta.dirname, '../../fixtures/packages');
const SIGNED = join(FIXTURES, 'system.buffers.4.5.1.nupkg');
const UNSIGNED = join(FIXTURES, 'testunsigned.1.0.0.nupkg');
const temp = useTempDir();
let pki: TestPki;
let tsa: TsaServer;
let files: { key: string; chain: string; roots: string };

beforeAll(async () => {
  pki = await createTestPki();
  tsa = await startTsaServer(timestampAuthorityOf(pki));
  files = {
    key: temp.write(
      'leaf.key.pem',
      pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString(),
    ),
    chain: temp.write('chain.pem', `${pki.leaf.pem}\n${pki.intermediate.pem}\n`),
    roots: temp.write('roots.pem', `${pki.root.pem}\n${pki.tsaRoot.pem}\n`),
  };
});
afterAll(async () => {
  await tsa?.close();
});

// Each run sees only the environment given (no TF_BUILD from a CI running these tests).
const cli = (argv: string[], env: NodeJS.ProcessEnv = { NUGET_CERT_REVOCATION_MODE: 'offline' }) =>
  runCliInProcess(argv, { now: new Date(), env });

const OFFLINE = ['--revocation-mode', 'offline'];

describe('verify --sarif --junit --summary', () => {
  it('writes a schema-valid SARIF log, a parseable JUnit report and a Markdown summary', async () => {
    const sarifPath = temp.path('out/results.sarif');
    const junitPath = temp.path('out/junit.xml');
    const summaryPath = temp.path('out/summary.md');
    const run = await cli([
      'verify',
      ...OFFLINE,
      '--sarif',
      sarifPath,
      '--junit',
      junitPath,
      '--summary',
      summaryPath,
      SIGNED,
      UNSIGNED,
    ]);
    expect(run.code).toBe(1);

    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8')) as {
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    const validate = sarifValidator();
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0]?.results).toEqual([
      expect.objectContaining({ ruleId: 'NU3004', level: 'error' }),
    ]);

    const xml = readFileSync(junitPath, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      xml,
    ) as {
      testsuites: {
        testsuite: {
          tests: string;
          failures: string;
          testcase: { name: string; failure?: { message: string } }[];
        };
      };
    };
    expect(junit.testsuites.testsuite).toMatchObject({ tests: '2', failures: '1' });
    expect(junit.testsuites.testsuite.testcase.map((c) => c.failure?.message)).toEqual([
      undefined,
      'NU3004',
    ]);

    const summary = readFileSync(summaryPath, 'utf8');
    const tokens = new MarkdownIt({ html: true }).parse(summary, {});
    // A header row and one row per package in the verification table, the failure first.
    expect(tokens.filter((t) => t.type === 'tr_open')).toHaveLength(3);
    expect(tokens.some((t) => t.type === 'heading_open')).toBe(true);
    const packageCells = tokens
      .filter((t) => t.type === 'inline' && t.content.startsWith('<code>'))
      .map((t) => t.content);
    expect(packageCells[0]).toContain('testunsigned.1.0.0.nupkg');
    // The policy column says which policy decided.
    expect(summary).toMatch(/\| Policy \|/);
    expect(summary).toMatch(/\| verify \|/);
    // One diagram per distinct chain of the signed package (author, its timestamp, the
    // repository countersignature, its timestamp — as far as they are distinct), each one
    // Mermaid parses into a chain: n certificates, n - 1 edges.
    const diagrams = tokens.filter((t) => t.type === 'fence' && t.info === 'mermaid');
    expect(diagrams.length).toBeGreaterThanOrEqual(2);
    for (const parsed of parseFlowcharts(diagrams.map((t) => t.content))) {
      expect(parsed.error).toBeUndefined();
      expect(parsed.vertices.length).toBeGreaterThanOrEqual(2);
      expect(parsed.edges).toHaveLength(parsed.vertices.length - 1);
    }
  });
});

describe('verify --fail-on', () => {
  it('exits 0 on an invalid package with never, 1 with error, 2 on an unknown level', async () => {
    expect((await cli(['verify', ...OFFLINE, '--fail-on', 'never', UNSIGNED])).code).toBe(0);
    expect((await cli(['verify', ...OFFLINE, '--fail-on', 'error', UNSIGNED])).code).toBe(1);
    const bad = await cli(['verify', '--fail-on', 'warnings', UNSIGNED]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "NUPKG003: --fail-on must be error, warning or never, not 'warnings'.",
    );
  });

  it('fails a valid package that has a warning with --fail-on warning, and says why', async () => {
    const path = temp.write(
      'NoStamp.1.0.0.nupkg',
      buildZip({ entries: [nuspecEntry('NoStamp', '1.0.0')] }),
    );
    const signed = await cli([
      'sign',
      '--private-key',
      files.key,
      '--certificate-chain',
      files.chain,
      '--trusted-roots',
      files.roots,
      path,
    ]);
    expect(signed.code).toBe(0);
    const verify = ['verify', ...OFFLINE, '--trusted-roots', files.roots, path];
    const lenient = await cli(verify);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('NU3027');
    const strict = await cli([...verify, '--fail-on', 'warning']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('fail-on warning: the run fails on warnings (NU3027)');
    // The flag as the user typed it.
    expect(strict.stderr).toMatch(/^--fail-on warning: /m);
  });
});

describe('verify in Azure Pipelines (TF_BUILD=True)', () => {
  it('logs each error as a task.logissue command after the text', async () => {
    const run = await cli(['verify', ...OFFLINE, UNSIGNED], { TF_BUILD: 'True' });
    expect(run.code).toBe(1);
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('##vso['));
    expect(commands).toEqual([
      `##vso[task.logissue type=error;sourcepath=${UNSIGNED};code=NU3004]${UNSIGNED}: The package is not signed. Sign it with \`nupkg-signing sign\` or \`dotnet nuget sign\`.`,
    ]);
  });

  it('keeps --json on stdout a JSON document and logs the issues on stderr', async () => {
    const run = await cli(['verify', ...OFFLINE, '--json', UNSIGNED], { TF_BUILD: 'True' });
    expect(JSON.parse(run.stdout)).toMatchObject({ results: [{ valid: false }] });
    expect(run.stderr).toMatch(/^##vso\[task\.logissue type=error;/);
  });

  it('logs nothing of the kind outside Azure Pipelines', async () => {
    const run = await cli(['verify', ...OFFLINE, UNSIGNED], {});
    expect(`${run.stdout}${run.stderr}`).not.toContain('##vso[');
  });
});

describe('sign --no-nuget-org-advice', () => {
  it('lets a timestamped package from a private CA pass --fail-on warning', async () => {
    const sign = (name: string, ...extra: string[]) => {
      const path = temp.write(
        `${name}.1.0.0.nupkg`,
        buildZip({ entries: [nuspecEntry(name, '1.0.0')] }),
      );
      return cli([
        'sign',
        '--private-key',
        files.key,
        '--certificate-chain',
        files.chain,
        '--trusted-roots',
        files.roots,
        '--timestamper',
        tsa.url,
        '--fail-on',
        'warning',
        ...extra,
        path,
      ]);
    };
    const advised = await sign('Advised');
    expect(advised.code).toBe(1);
    expect(advised.stdout).toContain('nuget.org would reject this signature');
    const internal = await sign('Internal', '--no-nuget-org-advice');
    expect(internal.stdout).not.toContain('nuget.org would reject');
    expect(internal.stdout).not.toMatch(/warning NU/);
    expect(internal.code).toBe(0);
  });
});
