import { spawnSync } from 'node:child_process';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryNameFor } from '../../src/package/temporary-files.js';
import { startFakeGitHubApi } from '../helpers/fake-github-api.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { useTempDir } from '../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../helpers/zip-builder.js';
import { buildActionBundle, commandLines, REPO_ROOT, runAction } from './run-action.js';
import { sarifValidator } from './sarif-schema.js';

/** The bundled action, run as GitHub runs it (node dist-like bundle + INPUT_* + runner files). */
const temp = useTempDir();
const PASSWORD = 'Action-Pfx-Pa55';
const VALID = [
  'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
  'fixtures/packages/messagepack.annotations.2.5.192.nupkg',
  'fixtures/packages/system.buffers.4.5.1.nupkg',
];
const NU3005 = 'fixtures/packages/testsigned.leaf-1.1.0.0__2017-12-11-deflated-signature.nupkg';
const NU3004 = 'fixtures/packages/testunsigned.1.0.0.nupkg';
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

let bundle: string;
let pki: TestPki;
let files: { key: string; keyPem: string; chainPem: string; roots: string; pfx: string };
let counter = 0;

beforeAll(async () => {
  bundle = buildActionBundle();
  pki = await createTestPki();
  const keyPem = pki.leaf.keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  const chainPem = `${pki.leaf.pem}\n${pki.intermediate.pem}\n`;
  files = {
    keyPem,
    chainPem,
    key: temp.write('leaf.key.pem', keyPem),
    roots: temp.write('roots.pem', `${pki.root.pem}\n`),
    pfx: temp.path('leaf.pfx'),
  };
  if (haveOpenssl) {
    const chain = temp.write('chain.pem', chainPem);
    const result = spawnSync('openssl', [
      'pkcs12',
      '-export',
      '-out',
      files.pfx,
      '-inkey',
      files.key,
      '-in',
      chain,
      '-passout',
      `pass:${PASSWORD}`,
    ]);
    if (result.status !== 0) throw new Error(result.stderr.toString());
  }
}, 240_000);

/** A fresh workspace holding unsigned packages built in the test. */
function workspaceWith(count: number, name = 'Action.Package'): string {
  const dir = temp.path(`workspace-${++counter}`);
  spawnSync('mkdir', ['-p', join(dir, 'out')]);
  for (let i = 0; i < count; i++) {
    writeFileSync(
      join(dir, 'out', `${name}.${i}.1.0.0.nupkg`),
      buildZip({ entries: [nuspecEntry(`${name}.${i}`, '1.0.0')] }),
    );
  }
  return dir;
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function expectOneCleanError(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run.code).toBe(1);
  expect(commandLines(run.stdout, 'error')).toHaveLength(1);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  return commandLines(run.stdout, 'error')[0] as string;
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
        '| Package | Signature | Signer | Timestamp | Verdict | Issues |',
      );
      const rows = result.summary.split('\n').filter((l) => l.startsWith('| <code>'));
      expect(rows).toHaveLength(5);
      expect(rows[2]).toContain(
        'Microsoft Corporation<br><code>3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE</code>',
      );
      expect(rows[2]).toContain('✅ valid');
      expect(rows[4]).toContain('❌ **invalid** | **NU3004** error: The package is not signed.');
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

  it('passes with valid=true and no annotation when every package is valid', async () => {
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: VALID.join(',') },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(commandLines(result.stdout, 'error')).toEqual([]);
    expect(result.stdout).toContain('3 of 3 package(s) valid.');
  });

  it('reports NU3008 and NU3003 for tampered packages', async () => {
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: 'fixtures/tampered/system.buffers.*.nupkg', 'fail-on': 'never' },
    });
    const titles = commandLines(result.stdout, 'error').map((l) => /title=(\w+),/.exec(l)?.[1]);
    expect(titles).toEqual(expect.arrayContaining(['NU3008', 'NU3003']));
    expect(result.stdout).toContain(
      '::error title=NU3008,file=fixtures/tampered/system.buffers.4.5.1__ar-01-content-byte-flipped.nupkg::',
    );
  });

  it('passes with fail-on never although packages are invalid', async () => {
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: 'fixtures/packages', 'fail-on': 'never' },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('false');
    expect(commandLines(result.stdout, 'error')).toHaveLength(2);
  });

  it('passes with valid=true when nothing matches and allow-no-packages is true', async () => {
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: 'no-such-dir/**/*.nupkg', 'allow-no-packages': 'true' },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.summary).toContain('No package matched (allow-no-packages: true).');
  });
});

describe('the action with check-run: true', () => {
  const checkEnv = (url: string, extra: Record<string, string> = {}) => ({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: 'contoso/widgets',
    GITHUB_SHA: 'a'.repeat(40),
    ...extra,
  });

  it('creates a completed check run on GITHUB_SHA with one annotation per issue', async () => {
    const api = await startFakeGitHubApi();
    try {
      const result = await runAction(bundle, {
        cwd: REPO_ROOT,
        inputs: {
          packages: 'fixtures/packages',
          'check-run': 'true',
          'github-token': 'ghs_fake-token-1',
        },
        env: checkEnv(api.url),
      });
      expect(result.code).toBe(1);
      expect(api.requests).toHaveLength(1);
      const [create] = api.requests;
      expect(create?.method).toBe('POST');
      expect(create?.path).toBe('/repos/contoso/widgets/check-runs');
      expect(create?.authorization).toBe('token ghs_fake-token-1');
      expect(create?.body).toMatchObject({
        name: 'nupkg-signing',
        head_sha: 'a'.repeat(40),
        status: 'completed',
        conclusion: 'failure',
        output: {
          title: '3 of 5 package(s) valid',
          annotations: [
            {
              path: NU3005,
              annotation_level: 'failure',
              title: 'NU3005',
              start_line: 1,
              end_line: 1,
            },
            {
              path: NU3004,
              annotation_level: 'failure',
              title: 'NU3004',
              start_line: 1,
              end_line: 1,
            },
          ],
        },
      });
      expect(result.stdout).toContain('Check run: https://github.test/contoso/widgets/runs/4242');
    } finally {
      await api.close();
    }
  });

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
        env: checkEnv(api.url, { GITHUB_EVENT_PATH: event, GITHUB_EVENT_NAME: 'pull_request' }),
      });
      expect(api.requests[0]?.body).toMatchObject({
        head_sha: 'b'.repeat(40),
        conclusion: 'success',
      });
    } finally {
      await api.close();
    }
  });

  it('sends 60 annotations as a create with 50 and an update with 10', async () => {
    const api = await startFakeGitHubApi();
    const workspace = workspaceWith(60, 'Unsigned');
    try {
      const result = await runAction(bundle, {
        cwd: workspace,
        inputs: { 'check-run': 'true', 'github-token': 'ghs_x' },
        env: checkEnv(api.url),
      });
      expect(result.code).toBe(1);
      expect(api.requests.map((r) => [r.method, r.path])).toEqual([
        ['POST', '/repos/contoso/widgets/check-runs'],
        ['PATCH', '/repos/contoso/widgets/check-runs/4242'],
      ]);
      const batches = api.requests.map(
        (r) => (r.body.output as { annotations: { path: string; title: string }[] }).annotations,
      );
      expect(batches.map((b) => b.length)).toEqual([50, 10]);
      expect(new Set(batches.flat().map((a) => a.path)).size).toBe(60);
      expect(batches.flat().every((a) => a.title === 'NU3004')).toBe(true);
      // GitHub shows 10 per type: the log says where the rest are.
      expect(result.stdout).toContain('50 error(s) more are in the job summary.');
      expect(result.summary.split('\n').filter((l) => l.startsWith('| <code>'))).toHaveLength(60);
    } finally {
      await api.close();
    }
  });

  it('warns and keeps the verdict when the API refuses the token', async () => {
    const api = await startFakeGitHubApi({ failWith: 403 });
    try {
      const result = await runAction(bundle, {
        cwd: REPO_ROOT,
        inputs: { packages: VALID[0] as string, 'check-run': 'true', 'github-token': 'ghs_x' },
        env: checkEnv(api.url),
      });
      expect(result.code).toBe(0);
      expect(commandLines(result.stdout, 'warning')).toEqual([
        expect.stringMatching(
          /^::warning::Could not publish the check run \(HTTP 403\): .*checks: write/,
        ),
      ]);
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

  it('masks the private key before printing anything', async () => {
    const workspace = workspaceWith(1, 'Masked');
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign',
        'private-key': files.keyPem,
        'certificate-chain': files.chainPem,
        'trusted-roots': files.roots,
        'github-token': 'ghs_secret-token',
      },
    });
    const lines = result.stdout.split('\n').filter((l) => l !== '');
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    const masks = lines.slice(0, firstOther);
    expect(masks).toContain('::add-mask::ghs_secret-token');
    const keyLine = files.keyPem.split('\n')[1] as string;
    expect(masks).toContain(`::add-mask::${keyLine}`);
    expect(lines.slice(firstOther).join('\n')).not.toContain(keyLine);
  });

  (haveOpenssl ? it : it.skip)('signs with a base64 PFX in sign mode', async () => {
    const workspace = workspaceWith(1, 'Pfx');
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign',
        certificate: readFileSync(files.pfx).toString('base64'),
        'certificate-password': PASSWORD,
        'trusted-roots': files.roots,
      },
    });
    expect(result.code).toBe(0);
    expect(result.outputs['signed-packages']).toBe('out/Pfx.0.1.0.0.nupkg');
    expect(result.outputs.fingerprints).toBe(pki.leaf.fingerprintSha256);
    expect(result.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(JSON.parse(readFileSync(result.outputs.results as string, 'utf8'))).toMatchObject({
      results: [{ file: 'out/Pfx.0.1.0.0.nupkg', signed: true }],
    });
  });
});

describe('the action in sign mode after a killed run', () => {
  it('removes the temporary file the killed signer left and says so in one line', async () => {
    const workspace = workspaceWith(1, 'Leftover');
    const out = realpathSync(join(workspace, 'out'));
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    // This machine's name for a temporary file, with the PID of a process that has exited.
    const stale = (await temporaryNameFor('Leftover.0.1.0.0.nupkg')).replace(
      `-${process.pid}-`,
      `-${exited.stdout.toString()}-`,
    );
    writeFileSync(join(out, stale), 'a partial package');
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign',
        'private-key': files.keyPem,
        'certificate-chain': files.chainPem,
        'trusted-roots': files.roots,
      },
    });
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .split('\n')
        .filter((line) => line.includes('temporary file'))
        .map((line) => line.trim()),
    ).toEqual([`Removed 1 temporary file(s) left in ${out} by an interrupted signing run.`]);
    expect(readdirSync(out)).toEqual(['Leftover.0.1.0.0.nupkg']);
  });
});

describe('the action with bad inputs', () => {
  it('fails with one message for an unknown mode', async () => {
    const result = await runAction(bundle, { cwd: REPO_ROOT, inputs: { mode: 'publish' } });
    expect(expectOneCleanError(result)).toBe(
      "::error::NUPKG003: Input 'mode' must be verify, sign or sign-and-verify, not 'publish'.",
    );
  });

  it('fails with one message when no package matches', async () => {
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: 'nothing/**/*.nupkg' },
    });
    expect(expectOneCleanError(result)).toMatch(
      /^::error::NUPKG003: No package matches 'nothing\/\*\*\/\*\.nupkg' \(0 files considered\)\..* Set allow-no-packages: true/,
    );
  });

  (haveOpenssl ? it : it.skip)('fails with one message for a wrong PFX password', async () => {
    const workspace = workspaceWith(1, 'WrongPassword');
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: { mode: 'sign', certificate: files.pfx, 'certificate-password': 'not-the-password' },
    });
    expect(expectOneCleanError(result)).toMatch(
      /^::error::NU3001: The certificate password is wrong/,
    );
    expect(result.outputs).toEqual({});
  });

  it('fails with one message for a policy file that does not load', async () => {
    const policy = temp.write('broken-policy.yml', 'version: 1\nsigners: [unclosed\n');
    const result = await runAction(bundle, {
      cwd: REPO_ROOT,
      inputs: { packages: VALID[0] as string, 'policy-file': policy },
    });
    expect(expectOneCleanError(result)).toMatch(/^::error::NUPKG005: /);
  });

  it('fails before signing anything when the policy file does not load in sign-and-verify', async () => {
    const workspace = workspaceWith(1, 'Untouched');
    const before = readFileSync(join(workspace, 'out/Untouched.0.1.0.0.nupkg'));
    const result = await runAction(bundle, {
      cwd: workspace,
      inputs: {
        mode: 'sign-and-verify',
        'private-key': files.key,
        'certificate-chain': files.chainPem,
        'policy-file': join(workspace, 'missing-policy.yml'),
      },
    });
    expectOneCleanError(result);
    expect(readFileSync(join(workspace, 'out/Untouched.0.1.0.0.nupkg')).equals(before)).toBe(true);
  });
});
