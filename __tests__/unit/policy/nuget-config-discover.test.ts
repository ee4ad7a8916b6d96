import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { discoverNuGetConfig } from '../../../src/policy/nuget-config/discover.js';
import { useTempDir } from '../../helpers/temp-files.js';

/**
 * Discovery of the nuget.config files `dotnet nuget verify` reads without --configfile, on folder
 * trees built here (docs/nuget-config-trust.md §7): which files, in which order, and how their
 * trustedSigners and signatureValidationMode merge. The home and the machine-wide folder are
 * temporary folders given through the environment; the real ~/.nuget is never read.
 */
const temp = useTempDir();
const X = 'AA'.repeat(32);
const Y = 'BB'.repeat(32);
const Z = 'CC'.repeat(32);

function place(relative: string, xml: string): string {
  const path = temp.path(relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, xml);
  return path;
}

function config(signers: string, extra = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<configuration>${extra}<trustedSigners>${signers}</trustedSigners></configuration>\n`;
}

function author(name: string, fingerprint: string, allow = 'false'): string {
  return `<author name="${name}"><certificate fingerprint="${fingerprint}" hashAlgorithm="SHA256" allowUntrustedRoot="${allow}" /></author>`;
}

function discover(cwd: string, env: Record<string, string> = {}) {
  mkdirSync(temp.path(cwd), { recursive: true });
  return discoverNuGetConfig({
    workingDirectory: temp.path(cwd),
    environment: {
      HOME: temp.path('home'),
      NUGET_COMMON_APPLICATION_DATA: temp.path('etc'),
      ...env,
    },
    platform: 'linux',
  });
}

function signersOf(found: ReturnType<typeof discover>): string[] {
  return (found.config?.trustedSigners ?? []).map(
    (s) => `${s.name}:${s.certificates.map((c) => c.fingerprint.slice(0, 2)).join('+')}`,
  );
}

describe('nuget.config discovery without --configfile', () => {
  it('reads nothing and applies nothing when no file exists', () => {
    const found = discover('empty/work');
    expect(found.files).toEqual([]);
    expect(found.config).toBeUndefined();
  });

  it('the closest file wins for the same author; other items of further files are kept', () => {
    const further = place('t1/nuget.config', config(author('A', X) + author('B', Z)));
    const closer = place('t1/repo/src/nuget.config', config(author('A', Y)));
    const found = discover('t1/repo/src');
    expect(found.files).toEqual([closer, further]);
    expect(signersOf(found).sort()).toEqual(['A:BB', 'B:CC']);
    expect(found.config?.allowList.map((e) => e.fingerprint).sort()).toEqual([Y, Z]);
  });

  it('authors are the same item only with the same name in the same case (ordinal)', () => {
    place('t2/nuget.config', config(author('A', X)));
    place('t2/repo/nuget.config', config(author('a', Y)));
    expect(signersOf(discover('t2/repo')).sort()).toEqual(['A:AA', 'a:BB']);
  });

  it('a <clear /> in a closer file drops what further files gave, not its own items', () => {
    place('t3/nuget.config', config(author('B', X)));
    place('t3/repo/nuget.config', config(`<clear />${author('C', Y)}`));
    expect(signersOf(discover('t3/repo'))).toEqual(['C:BB']);
    // The further file's <clear /> does not touch the closer file.
    place('t3b/nuget.config', config(`<clear />${author('B', X)}`));
    place('t3b/repo/nuget.config', config(author('C', Y)));
    expect(signersOf(discover('t3b/repo')).sort()).toEqual(['B:AA', 'C:BB']);
  });

  it('reads the user-wide file, then its config/*.config files, after the hierarchy', () => {
    const env = { HOME: temp.path('t4home') };
    const user = place('t4home/.nuget/NuGet/NuGet.Config', config(author('U', X)));
    const extraB = place('t4home/.nuget/NuGet/config/b.config', config(author('V', Z)));
    const extraA = place('t4home/.nuget/NuGet/config/a.Config', config(author('W', Z)));
    place('t4home/.nuget/NuGet/config/ignored.txt', 'not a config');
    const closer = place('t4/nuget.config', config(author('U', Y)));
    const found = discover('t4', env);
    expect(found.files).toEqual([closer, user, extraA, extraB]);
    // U of the closer file replaces the user-wide U; V and W (same certificate) merge into one entry.
    expect(signersOf(found).sort()).toEqual(['U:BB', 'V:CC', 'W:CC']);
    expect(found.config?.allowList).toHaveLength(2);
  });

  it('DOTNET_CLI_HOME replaces HOME as the home of the user-wide file, as the dotnet CLI does', () => {
    place('t4b-home/.nuget/NuGet/NuGet.Config', config(author('H', X)));
    const cli = place('t4b-cli/.nuget/NuGet/NuGet.Config', config(author('C', Y)));
    const found = discover('t4b', {
      HOME: temp.path('t4b-home'),
      DOTNET_CLI_HOME: temp.path('t4b-cli'),
    });
    expect(found.files).toEqual([cli]);
    expect(signersOf(found)).toEqual(['C:BB']);
  });

  it('reads the machine-wide folder last (NUGET_COMMON_APPLICATION_DATA on Linux)', () => {
    const env = { HOME: temp.path('t5home'), NUGET_COMMON_APPLICATION_DATA: temp.path('t5etc') };
    const machine = place('t5etc/NuGet/Config/machine.config', config(author('M', X)));
    const closer = place('t5/nuget.config', config(author('M', Y)));
    const found = discover('t5', env);
    expect(found.files).toEqual([closer, machine]);
    expect(signersOf(found)).toEqual(['M:BB']);
  });

  it('on a case-sensitive system: nuget.config, then NuGet.config, then NuGet.Config, one per folder', () => {
    const first = place('t6/nuget.config', config(author('A', X)));
    place('t6/NuGet.Config', config(author('B', Y)));
    expect(discover('t6').files).toEqual([first]);
    const second = place('t6b/NuGet.config', config(author('A', X)));
    place('t6b/NuGet.Config', config(author('B', Y)));
    expect(discover('t6b').files).toEqual([second]);
    // Other spellings are not probed.
    place('t6c/NUGET.CONFIG', config(author('A', X)));
    place('t6c/Nuget.Config', config(author('A', X)));
    expect(discover('t6c').files).toEqual([]);
  });

  it('a folder named nuget.config is not a file', () => {
    mkdirSync(temp.path('t7/nuget.config'), { recursive: true });
    const file = place('t7/NuGet.Config', config(author('A', X)));
    expect(discover('t7').files).toEqual([file]);
  });

  it('signatureValidationMode: the closest file that sets it wins; a closer <clear /> resets it', () => {
    const mode = (value: string) =>
      `<config><add key="signatureValidationMode" value="${value}" /></config>`;
    place('t8/nuget.config', config(author('A', X), mode('require')));
    place(
      't8/repo/nuget.config',
      config(author('B', Y), '<config><add key="other" value="1" /></config>'),
    );
    expect(discover('t8/repo').config?.signatureValidationMode).toBe('require');
    place('t8b/nuget.config', config(author('A', X), mode('require')));
    place('t8b/repo/nuget.config', config(author('B', Y), '<config><clear /></config>'));
    expect(discover('t8b/repo').config?.signatureValidationMode).toBe('accept');
    place('t8c/nuget.config', config(author('A', X), mode('accept')));
    place('t8c/repo/nuget.config', config(author('B', Y), mode('require')));
    expect(discover('t8c/repo').config?.signatureValidationMode).toBe('require');
  });

  it('conflicting allowUntrustedRoot across files is NU3040, false wins', () => {
    place('t9/nuget.config', config(author('A', X, 'true')));
    place('t9/repo/nuget.config', config(author('B', X, 'false')));
    const found = discover('t9/repo');
    expect(found.config?.issues.map((i) => i.code)).toEqual(['NU3040']);
    expect(found.config?.allowList.map((e) => e.allowUntrustedRoot)).toEqual([false]);
  });

  it('a FIFO named nuget.config is found and refused (NUPKG005), not skipped and not waited on', () => {
    mkdirSync(temp.path('t11/repo'), { recursive: true });
    const fifo = temp.path('t11/nuget.config');
    execFileSync('mkfifo', [fifo]);
    const started = performance.now();
    expect(() => discover('t11/repo')).toThrow(
      expect.objectContaining({ code: 'NUPKG005', message: expect.stringContaining(fifo) }),
    );
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('merges two files of 20,000 authors each (the same names) in bounded time', () => {
    const many = (fingerprint: string) =>
      config(Array.from({ length: 20_000 }, (_, i) => author(`author-${i}`, fingerprint)).join(''));
    place('t12/nuget.config', many(X));
    place('t12/repo/nuget.config', many(Y));
    const started = performance.now();
    const found = discover('t12/repo');
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(found.config?.trustedSigners).toHaveLength(20_000);
    expect(found.config?.allowList.map((e) => e.fingerprint)).toEqual([Y]);
  });

  it('a broken file anywhere in the hierarchy is NUPKG005 naming it', () => {
    const broken = place('t10/nuget.config', '<configuration><trustedSigners><author name="A">');
    place('t10/repo/nuget.config', config(author('B', Y)));
    expect(() => discover('t10/repo')).toThrow(
      expect.objectContaining({ code: 'NUPKG005', message: expect.stringContaining(broken) }),
    );
  });
});
