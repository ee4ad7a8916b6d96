import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ActionInputs } from '../../src/action/inputs.js';
import { actionInputs, runActionInProcess } from '../helpers/action-inputs.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * The action without `nuget-config` (issue 13): the nuget.config files dotnet would read from the
 * step's working directory apply, the log names them in one line and the results file in
 * `nugetConfig.files`; `nuget-config-discovery: false` applies none. The home is a temporary
 * folder given as the runner's variables, never the real one.
 */
const OTHER = 'AA'.repeat(32);
const BUFFERS = resolve('fixtures/packages/system.buffers.4.5.1.nupkg');
const temp = useTempDir();
let counter = 0;

function workspace(): { workspace: string; runnerTemp: string; config: string } {
  const dir = temp.path(`workspace-${++counter}`);
  const runnerTemp = temp.path(`runner-${counter}`);
  mkdirSync(join(dir, 'pkgs'), { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  copyFileSync(BUFFERS, join(dir, 'pkgs', 'system.buffers.4.5.1.nupkg'));
  const config = join(dir, 'nuget.config');
  writeFileSync(
    config,
    `<configuration><trustedSigners><author name="other"><certificate fingerprint="${OTHER}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></author></trustedSigners></configuration>`,
  );
  return { workspace: dir, runnerTemp, config };
}

function inputs(dir: string, runnerTemp: string, discovery: string): ActionInputs {
  return actionInputs(
    {
      workspace: dir,
      cwd: dir,
      runnerTemp,
      stepId: 'discovery',
      nugetConfigVariables: {
        HOME: temp.path('home'),
        NUGET_COMMON_APPLICATION_DATA: temp.path('etc'),
      },
    },
    {
      mode: 'verify',
      packages: 'pkgs/*.nupkg',
      nugetConfigDiscovery: discovery,
      revocationMode: 'offline',
      summary: 'false',
    },
  );
}

async function runAction(discovery: string) {
  const { workspace: dir, runnerTemp, config } = workspace();
  const output = join(runnerTemp, 'github_output');
  writeFileSync(output, '');
  const stdout = await runActionInProcess(
    inputs(dir, runnerTemp, discovery),
    () => new Date('2020-06-01T00:00:00Z'),
    { GITHUB_OUTPUT: output },
  );
  const results = JSON.parse(
    readFileSync(join(runnerTemp, 'nupkg-signing-results-discovery.json'), 'utf8'),
  ) as { results: { valid: boolean; issues: { code: string }[] }[]; nugetConfig?: unknown };
  return { stdout, results, config };
}

describe('action: nuget.config discovery', () => {
  it('applies the workspace nuget.config by default and names it', async () => {
    const { stdout, results, config } = await runAction('');
    expect(stdout).toContain(`nuget.config: ${config}\n`);
    expect(results.nugetConfig).toEqual({ files: [config] });
    expect(results.results[0]?.valid).toBe(false);
    expect(results.results[0]?.issues.map((i) => i.code)).toContain('NU3034');
  });

  it('nuget-config-discovery: false applies none', async () => {
    const { stdout, results } = await runAction('false');
    expect(stdout).not.toContain('nuget.config:');
    expect(results).not.toHaveProperty('nugetConfig');
    expect(results.results[0]?.issues.map((i) => i.code)).not.toContain('NU3034');
  });
});
