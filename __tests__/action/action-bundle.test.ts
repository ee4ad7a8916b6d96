import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildActionBundle, commandLines, REPO_ROOT, runAction } from '../helpers/action-bundle.js';
import { checkRunVariables, startFakeGitHubApi } from '../helpers/fake-github-api.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { sarifValidator } from '../helpers/sarif-schema.js';
import { useTempDir } from '../helpers/temp-files.js';
import { FIXTURE_NU3004, FIXTURE_NU3005, FIXTURE_VALID } from '../helpers/fixture-packages.js';
import { workspaceWithPackages } from '../helpers/workspace.js';

/**
 * The bundled action, run as GitHub runs it (node dist-like bundle + INPUT_* + runner files), end
 * to end three times: verify with every report, the pull request head from the event payload, and
 * sign-and-verify. inputs-and-verdicts.test.ts covers the input and verdict matrix in-process.
 */
const temp = useTempDir();
const VALID = FIXTURE_VALID;
const NU3005 = FIXTURE_NU3005;
const NU3004 = FIXTURE_NU3004;

let bundle: string;
let pki: TestPki;
let files: { keyPem: string; chainPem: string; roots: string };
let counter = 0;

beforeAll(async () => {
  bundle = buildActionBundle();
  pki = await createTestPki();
  files = {
    keyPem: pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString(),
    chainPem: `${pki.leaf.pem}\n${pki.intermediate.pem}\n`,
    roots: temp.write('roots.pem', `${pki.root.pem}\n`),
  };
}, 240_000);

/** A fresh workspace holding unsigned packages built in the test. */
function workspaceWith(count: number, name = 'Action.Package'): string {
  return workspaceWithPackages(temp.path(`workspace-${++counter}`), count, name);
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('the action in verify mode', () => {
  describe('on fixtures/packages (3 valid, NU3005, NU3004) with a SARIF file', () => {
    let result: Awaited<ReturnType<typeof runAction>>;
    beforeAll(async () => {
      result = await runAction(bundle, {
        cwd: REPO_ROOT,
        inputs: {
          packages: 'fixtures/packages/*.nupkg',
          'sarif-file': join(temp.path(''), 'v.sarif'),
          'junit-file': join(temp.path(''), 'junit', 'v.xml'),
        },
      });
    });

    it('writes a JUnit report with one test case per package, the invalid ones failed', () => {
      const xml = readFileSync(join(temp.path(''), 'junit', 'v.xml'), 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
        xml,
      ) as { testsuites: { testsuite: { testcase: { name: string; failure?: unknown }[] } } };
      const cases = parsed.testsuites.testsuite.testcase;
      expect(cases.map((c) => [c.name.split(' ')[0], c.failure !== undefined])).toEqual([
        [VALID[0], false],
        [VALID[1], false],
        [VALID[2], false],
        [NU3005, true],
        [NU3004, true],
      ]);
    });

    it('fails the step and sets valid to false', () => {
      expect(result.code).toBe(1);
      expect(result.outputs.valid).toBe('false');
    });

    it('prints one error annotation per issue with the code as title and the package as file', () => {
      expect(commandLines(result.stdout, 'error').slice(0, 2)).toEqual([
        expect.stringMatching(
          `^::error title=NU3005,file=${NU3005}::${NU3005}: The package signature file entry is invalid`,
        ),
        expect.stringMatching(
          `^::error title=NU3004,file=${NU3004}::${NU3004}: The package is not signed`,
        ),
      ]);
    });

    it('ends with one failure message naming the codes', () => {
      expect(commandLines(result.stdout, 'error')[2]).toBe(
        '::error::3 of 5 package(s) valid. The step fails (fail-on: error): NU3005, NU3004. See the job summary for every finding.',
      );
    });

    it('writes the results file in the CLI --json format', () => {
      const document = readJson(result.outputs.results as string);
      const results = document.results as { file: string; valid: boolean; signature: string }[];
      expect(result.outputs.results?.startsWith(result.runnerTemp)).toBe(true);
      expect(results.map((r) => [r.file, r.valid, r.signature])).toEqual([
        [VALID[0], true, 'repository'],
        [VALID[1], true, 'repository'],
        [VALID[2], true, 'author'],
        [NU3005, false, 'unknown'],
        [NU3004, false, 'unsigned'],
      ]);
    });

    it('lists the primary signers of the verified packages in fingerprints', () => {
      expect(result.outputs.fingerprints?.split('\n')).toEqual([
        '0E5F38F57DC1BCC806D8494F4F90FBCEDD988B46760709CBEEC6F4219AA6157D',
        '1F4B311D9ACC115C8DC8018B5A49E00FCE6DA8E2855F9F014CA6F34570BC482D',
        '3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE',
      ]);
      expect(result.outputs['signed-packages']).toBe('');
    });

    it('writes a job summary table with a row per package', () => {
      expect(result.summary).toContain(
        '| Package | Signature | Signer | Timestamp | Verdict | Policy | Issues |',
      );
      // Failures first, then the valid packages in the order they were given.
      const rows = result.summary.split('\n').filter((l) => l.startsWith('| <code>'));
      expect(rows).toHaveLength(5);
      expect(rows[1]).toContain(
        '❌ **invalid** | verify | **NU3004** error: The package is not signed.',
      );
      expect(rows[4]).toContain(
        'Microsoft Corporation<br><code>3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE</code>',
      );
      expect(rows[4]).toContain('✅ valid');
    });

    it('states the verdict in the job summary without pointing to the job summary', () => {
      expect(result.summary).toContain(
        '3 of 5 package(s) valid. The step fails (fail-on: error): NU3005, NU3004.\n',
      );
      expect(result.summary).not.toContain('See the job summary');
    });

    it('writes SARIF 2.1.0 that the schema accepts, with a rule per code', () => {
      const sarif = readJson(join(temp.path(''), 'v.sarif'));
      const validate = sarifValidator();
      const valid = validate(sarif);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      const [run] = sarif.runs as {
        tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
      expect(run?.tool.driver.rules.map((r) => [r.id, r.shortDescription.text])).toEqual([
        ['NU3004', 'The package is not signed'],
        ['NU3005', 'Invalid package signature file entry'],
      ]);
      expect(
        run?.results.map((r) => [
          r.ruleId,
          r.level,
          r.locations[0]?.physicalLocation.artifactLocation.uri,
        ]),
      ).toEqual([
        ['NU3005', 'error', NU3005],
        ['NU3004', 'error', NU3004],
      ]);
    });
  });
});

describe('the action with check-run: true', () => {
  it('uses the pull request head commit from the event payload', async () => {
    const api = await startFakeGitHubApi();
    const event = temp.write(
      'event.json',
      JSON.stringify({ pull_request: { head: { sha: 'b'.repeat(40) } } }),
    );
    try {
      await runAction(bundle, {
        cwd: REPO_ROOT,
        inputs: { packages: VALID[0] as string, 'check-run': 'true', 'github-token': 'ghs_x' },
        env: checkRunVariables(api.url, {
          GITHUB_EVENT_PATH: event,
          GITHUB_EVENT_NAME: 'pull_request',
        }),
      });
      expect(api.requests[0]?.body).toMatchObject({
        head_sha: 'b'.repeat(40),
        conclusion: 'success',
      });
    } finally {
      await api.close();
    }
  });
});

describe('the action in sign-and-verify mode', () => {
  it('signs with a PEM key, verifies against trusted-roots and reports the signed packages', async () => {
    const workspace = workspaceWith(2, 'Signed');
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        packages: 'out/*.nupkg',
        'private-key': files.keyPem,
        'certificate-chain': files.chainPem,
        'trusted-roots': files.roots,
      },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.outputs['signed-packages']?.split('\n')).toEqual([
      'out/Signed.0.1.0.0.nupkg',
      'out/Signed.1.1.0.0.nupkg',
    ]);
    expect(result.outputs.fingerprints).toBe(pki.leaf.fingerprintSha256);
    const document = readJson(result.outputs.results as string);
    expect(
      (document.results as { valid: boolean; signature: string }[]).map((r) => [
        r.signature,
        r.valid,
      ]),
    ).toEqual([
      ['author', true],
      ['author', true],
    ]);
    expect((document.signing as { signed: boolean }[]).map((o) => o.signed)).toEqual([true, true]);
    // No timestamp server: NuGet's NU3002 warning, once per package.
    expect(
      commandLines(result.stdout, 'warning').filter((l) => l.includes('title=NU3002')),
    ).toHaveLength(2);
    expect(result.summary).toContain('### Signing');
    expect(result.summary).toContain('### Verification');
  });
});
