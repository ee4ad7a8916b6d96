import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * `nupkg-signing verify` without --configfile applies the nuget.config files found from the
 * working directory up (issue 13) and names them in the report: `nugetConfig.files` in --json, one
 * escaped line in the text report, nothing on stderr. The home is a temporary folder given in the
 * environment; --no-nuget-config-discovery reads none; --configfile wins.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const MICROSOFT = '3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE';
const OTHER = 'AA'.repeat(32);
const BUFFERS = resolve('fixtures/packages/system.buffers.4.5.1.nupkg');
const temp = useTempDir();

const trusting = (fingerprint: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<configuration><trustedSigners><author name="a"><certificate fingerprint="${fingerprint}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></author></trustedSigners></configuration>\n`;

/** Runs the CLI in `cwd` with an empty temporary home and machine-wide folder. */
async function verifyIn(cwd: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(
      ['verify', '--revocation-mode', 'offline', ...argv, BUFFERS],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
      NOW,
      { HOME: temp.path('home'), NUGET_COMMON_APPLICATION_DATA: temp.path('etc') },
    );
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

function tree(name: string, fingerprint: string): { config: string; cwd: string } {
  const cwd = temp.path(`${name}/repo/src`);
  mkdirSync(cwd, { recursive: true });
  const config = join(temp.path(name), 'repo', 'nuget.config');
  writeFileSync(config, trusting(fingerprint));
  return { config, cwd };
}

function errorsOf(stdout: string): string[] {
  const [result] = (
    JSON.parse(stdout) as { results: { issues: { level: string; code: string }[] }[] }
  ).results;
  return (result?.issues ?? []).filter((i) => i.level === 'error').map((i) => i.code);
}

describe('verify without --configfile: the nuget.config files above the working directory', () => {
  it('applies a nuget.config above the working directory and names it in --json', async () => {
    const { config, cwd } = tree('refusing', OTHER);
    const result = await verifyIn(cwd, '--json');
    expect(errorsOf(result.stdout)).toContain('NU3034');
    expect(JSON.parse(result.stdout).nugetConfig).toEqual({ files: [config] });
    expect(result.stderr).toBe('');
  });

  it('--no-nuget-config-discovery reads none: no NU3034 and no nugetConfig member', async () => {
    const { cwd } = tree('off', OTHER);
    const result = await verifyIn(cwd, '--json', '--no-nuget-config-discovery');
    expect(errorsOf(result.stdout)).not.toContain('NU3034');
    expect(JSON.parse(result.stdout)).not.toHaveProperty('nugetConfig');
  });

  it('--configfile wins: only that file is read', async () => {
    const { cwd } = tree('given', OTHER);
    const given = temp.write('given.config', trusting(MICROSOFT));
    const result = await verifyIn(cwd, '--json', '--configfile', given);
    expect(errorsOf(result.stdout)).not.toContain('NU3034');
    expect(JSON.parse(result.stdout).nugetConfig).toEqual({ files: [given] });
  });

  it('says the files in one text line, escaped: a hostile folder name cannot start a command', async () => {
    const hostile = 'x\n::error::pwned\x1b[31m';
    const cwd = temp.path(`${hostile}/src`);
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(temp.path(hostile), 'nuget.config'), trusting(MICROSOFT));
    const result = await verifyIn(cwd);
    const lines = result.stdout.split('\n').filter((l) => l.includes('nuget.config:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('x\\n::error::pwned\\x1b[31m/nuget.config');
    expect(result.stdout).not.toMatch(/^\s*::/m);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stderr).toBe('');
  });

  it('says when discovery found no file', async () => {
    const cwd = temp.path('nothing/here');
    mkdirSync(cwd, { recursive: true });
    const result = await verifyIn(cwd);
    expect(result.stdout).toContain('  nuget.config: none found\n');
  });
});
