import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryNameFor } from '../../src/package/temporary-files.js';
import { REPO_ROOT, commandLines } from '../helpers/action-bundle.js';
import { runActionAsRunner as runAction } from '../helpers/action-inputs.js';
import { checkRunVariables, startFakeGitHubApi } from '../helpers/fake-github-api.js';
import { exportPfx, haveOpenssl } from '../helpers/pfx.js';
import { createTestPki, type TestPki } from '../helpers/pki.js';
import { useTempDir } from '../helpers/temp-files.js';
import { FIXTURE_NU3004, FIXTURE_NU3005, FIXTURE_VALID } from '../helpers/fixture-packages.js';
import { workspaceWithPackages } from '../helpers/workspace.js';

/**
 * The action's input and verdict matrix, run in this process as the runner starts it (INPUT_*
 * variables through readActionInputs, then run): fail-on, allow-no-packages, check-run, signing
 * inputs, bad inputs. action-bundle.test.ts runs the real bundle end to end.
 */
const temp = useTempDir();
const PASSWORD = 'Action-Pfx-Pa55';
const VALID = FIXTURE_VALID;
const NU3005 = FIXTURE_NU3005;
const NU3004 = FIXTURE_NU3004;

let pki: TestPki;
let files: { key: string; keyPem: string; chainPem: string; roots: string; pfx: string };
let counter = 0;

beforeAll(async () => {
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
  if (haveOpenssl) exportPfx(files.pfx, { key: pki.leaf.keyObject, chainPem, password: PASSWORD });
}, 240_000);

/** A fresh workspace holding unsigned packages built in the test. */
function workspaceWith(count: number, name = 'Action.Package'): string {
  return workspaceWithPackages(temp.path(`workspace-${++counter}`), count, name);
}

function expectOneCleanError(run: { code: number | null; stdout: string; stderr: string }) {
  expect(run.code).toBe(1);
  expect(commandLines(run.stdout, 'error')).toHaveLength(1);
  expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  return commandLines(run.stdout, 'error')[0] as string;
}

describe('the action in verify mode', () => {
  it('passes with valid=true and no annotation when every package is valid', async () => {
    const result = await runAction({
      cwd: REPO_ROOT,
      inputs: { packages: VALID.join(',') },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(commandLines(result.stdout, 'error')).toEqual([]);
    expect(result.stdout).toContain('3 of 3 package(s) valid.');
  });

  it('reports NU3008 and NU3003 for tampered packages', async () => {
    const result = await runAction({
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
    const result = await runAction({
      cwd: REPO_ROOT,
      inputs: { packages: 'fixtures/packages', 'fail-on': 'never' },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('false');
    expect(commandLines(result.stdout, 'error')).toHaveLength(2);
  });

  it('passes with valid=true when nothing matches and allow-no-packages is true', async () => {
    const result = await runAction({
      cwd: REPO_ROOT,
      inputs: { packages: 'no-such-dir/**/*.nupkg', 'allow-no-packages': 'true' },
    });
    expect(result.code).toBe(0);
    expect(result.outputs.valid).toBe('true');
    expect(result.summary).toContain('No package matched (allow-no-packages: true).');
  });
});

describe('the action with check-run: true', () => {
  it('creates a completed check run on GITHUB_SHA with one annotation per issue', async () => {
    const api = await startFakeGitHubApi();
    try {
      const result = await runAction({
        cwd: REPO_ROOT,
        inputs: {
          packages: 'fixtures/packages',
          'check-run': 'true',
          'github-token': 'ghs_fake-token-1',
        },
        env: checkRunVariables(api.url),
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

  it('sends 60 annotations as a create with 50 and an update with 10', async () => {
    const api = await startFakeGitHubApi();
    const workspace = workspaceWith(60, 'Unsigned');
    try {
      const result = await runAction({
        cwd: workspace,
        inputs: { 'check-run': 'true', 'github-token': 'ghs_x' },
        env: checkRunVariables(api.url),
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
      const result = await runAction({
        cwd: REPO_ROOT,
        inputs: { packages: VALID[0] as string, 'check-run': 'true', 'github-token': 'ghs_x' },
        env: checkRunVariables(api.url),
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
  it('masks the private key before printing anything', async () => {
    const workspace = workspaceWith(1, 'Masked');
    const result = await runAction({
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
    const result = await runAction({
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
    const result = await runAction({
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
    const result = await runAction({ cwd: REPO_ROOT, inputs: { mode: 'publish' } });
    expect(expectOneCleanError(result)).toBe(
      "::error::NUPKG003: Input 'mode' must be verify, sign or sign-and-verify, not 'publish'.",
    );
  });

  it('fails with one message when no package matches', async () => {
    const result = await runAction({
      cwd: REPO_ROOT,
      inputs: { packages: 'nothing/**/*.nupkg' },
    });
    expect(expectOneCleanError(result)).toMatch(
      /^::error::NUPKG003: No package matches 'nothing\/\*\*\/\*\.nupkg' \(0 files considered\)\..* Set allow-no-packages: true/,
    );
  });

  (haveOpenssl ? it : it.skip)('fails with one message for a wrong PFX password', async () => {
    const workspace = workspaceWith(1, 'WrongPassword');
    const result = await runAction({
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
    const result = await runAction({
      cwd: REPO_ROOT,
      inputs: { packages: VALID[0] as string, 'policy-file': policy },
    });
    expect(expectOneCleanError(result)).toMatch(/^::error::NUPKG005: /);
  });

  it('fails before signing anything when the policy file does not load in sign-and-verify', async () => {
    const workspace = workspaceWith(1, 'Untouched');
    const before = readFileSync(join(workspace, 'out/Untouched.0.1.0.0.nupkg'));
    const result = await runAction({
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
