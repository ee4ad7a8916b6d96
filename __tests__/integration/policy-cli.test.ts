import { LIMITS } from '../../src/limits.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { useTempDir } from '../helpers/temp-files.js';

/**
 * "Would nuget.org accept this?" end to end through the CLI, with the fixture packages:
 * System.Buffers (author-signed by Microsoft 3F90…0ECE, countersigned by nuget.org),
 * K4os.Hash.xxHash (repository-signed only) and TestUnsigned.
 */
const NOW = new Date('2026-11-25T07:30:00Z');
const MICROSOFT = '3F9001EA83C560D712C24CF213C3D312CB3BFF51EE89435D3430BD06B5D0EECE';
const OTHER = 'AA'.repeat(32);
const temp = useTempDir();

// Discovery off: a nuget.config above the checkout or in the real home must not change verdicts.
const run = (...argv: string[]) => runCliInProcess(argv, { now: NOW, nugetConfigDiscovery: false });

function policy(name: string, yaml: string): string {
  return temp.write(name, yaml);
}

/** Inside the Microsoft certificate's validity (2018-02-26 to 2021-01-27), after its timestamp. */
const WHILE_CURRENT = ['--at', '2020-06-01T00:00:00Z'];

async function verifyJson(policyFile: string, pkg: string, ...extra: string[]) {
  const result = await run('verify', '--json', '--policy-file', policyFile, ...extra, pkg);
  const [subject] = JSON.parse(result.stdout).results as {
    valid: boolean;
    issues: { code: string; level: string }[];
    signerPolicy?: string;
  }[];
  return {
    exit: result.code,
    subject: subject!,
    errors: subject!.issues.filter((i) => i.level === 'error').map((i) => i.code),
  };
}

describe('nupkg-signing verify --policy-file', () => {
  describe('when the signing certificate is registered to the sole owner and still current', () => {
    it('accepts the package and names the rule', async () => {
      const file = policy(
        'registered.yml',
        `version: 1\naccounts:\n  microsoft:\n    certificates:\n      - fingerprint: ${MICROSOFT}\npackages:\n  - id: System.Buffers\n    owners: [microsoft]\nverification:\n  preset: nuget.org\n`,
      );
      const { exit, subject, errors } = await verifyJson(
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(errors).toEqual([]);
      expect(subject.valid).toBe(true);
      expect(exit).toBe(0);
      expect(subject.signerPolicy).toMatch(/registered to microsoft/);
    });
  });

  describe('when only another certificate is registered', () => {
    it('rejects the package with NU3034', async () => {
      const file = policy(
        'other.yml',
        `version: 1\naccounts:\n  microsoft:\n    certificates:\n      - fingerprint: ${OTHER}\npackages:\n  - id: System.*\n    owners: [microsoft]\n`,
      );
      const { exit, errors } = await verifyJson(
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(errors).toEqual(['NU3034']);
      expect(exit).toBe(1);
    });
  });

  describe('when the registered certificate was removed', () => {
    it('rejects new submissions signed with it (NU3034)', async () => {
      const file = policy(
        'removed.yml',
        `version: 1\naccounts:\n  microsoft:\n    certificates:\n      - fingerprint: ${MICROSOFT}\n        removed: true\n      - fingerprint: ${OTHER}\npackages:\n  - id: System.Buffers\n    owners: [microsoft]\n`,
      );
      expect(
        (await verifyJson(file, 'fixtures/packages/system.buffers.4.5.1.nupkg', ...WHILE_CURRENT))
          .errors,
      ).toEqual(['NU3034']);
    });
  });

  describe('when the package is unsigned', () => {
    it('rejects it once the required signer has a certificate (NU3004)', async () => {
      const file = policy(
        'required.yml',
        `version: 1\naccounts:\n  nuget:\n    certificates:\n      - fingerprint: ${OTHER}\npackages:\n  - id: TestUnsigned\n    owners: [nuget]\nverification:\n  preset: nuget.org\n`,
      );
      const { exit, errors } = await verifyJson(file, 'fixtures/packages/testunsigned.1.0.0.nupkg');
      expect(errors).toEqual(['NU3004']);
      expect(exit).toBe(1);
    });

    it('accepts it when no owner has a certificate registered', async () => {
      const file = policy(
        'optional.yml',
        `version: 1\naccounts:\n  nuget: {}\npackages:\n  - id: TestUnsigned\n    owners: [nuget]\nverification:\n  preset: nuget.org\n`,
      );
      const { exit, subject } = await verifyJson(
        file,
        'fixtures/packages/testunsigned.1.0.0.nupkg',
      );
      expect(subject.valid).toBe(true);
      expect(exit).toBe(0);
    });
  });

  describe('when the policy file names no preset and the policy allows the unsigned package', () => {
    it("shows the policy's answer: nuget.org's rules, so the package passes", async () => {
      const file = policy(
        'no-preset.yml',
        `version: 1\naccounts:\n  nuget: {}\npackages:\n  - id: TestUnsigned\n    owners: [nuget]\n`,
      );
      const { exit, subject } = await verifyJson(
        file,
        'fixtures/packages/testunsigned.1.0.0.nupkg',
      );
      expect(subject.issues.filter((i) => i.level === 'error')).toEqual([]);
      expect(subject.signerPolicy).toMatch(/allowed because nuget has no registered certificate/);
      expect(exit).toBe(0);
    });
  });

  describe('when --published is given without nuget.org rules', () => {
    it('is a usage error naming the flag', async () => {
      const result = await run(
        'verify',
        '--policy',
        'verify',
        '--published',
        'fixtures/packages/testunsigned.1.0.0.nupkg',
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/NUPKG003: --published .*--policy nuget\.org/);
    });
  });

  describe('when the package has only a repository signature and signing is required', () => {
    it('rejects it (nuget.org needs an author signature)', async () => {
      const file = policy(
        'repo-only.yml',
        `version: 1\naccounts:\n  k4os:\n    certificates:\n      - fingerprint: ${OTHER}\npackages:\n  - id: K4os.Hash.xxHash\n    owners: [k4os]\nverification:\n  preset: nuget.org\n`,
      );
      const { errors } = await verifyJson(file, 'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg');
      expect(errors).toContain('NU3004');
    });
  });

  describe('when no rule matches the package', () => {
    const uncovered = (extra: string) =>
      `version: 1\naccounts:\n  microsoft:\n    certificates:\n      - fingerprint: ${MICROSOFT}\npackages:\n  - id: Contoso.*\n    owners: [microsoft]\n${extra}`;

    it('refuses it by default (NUPKG007), naming the package and the rule to add', async () => {
      const file = policy('uncovered.yml', uncovered(''));
      const { exit, subject, errors } = await verifyJson(
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(errors).toEqual(['NUPKG007']);
      expect(subject.valid).toBe(false);
      expect(exit).toBe(1);

      const text = await run(
        'verify',
        '--policy-file',
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(text.code).toBe(1);
      // The signer's certificate is registered to microsoft, so the rule names it as the owner.
      expect(text.stdout).toContain(
        'System.Buffers: no rule in ' +
          file +
          ' matches this package id, and packages without a rule are refused (unmatchedPackages: deny, the default). Add a rule under packages, such as: - { id: System.Buffers, owners: [microsoft] }',
      );
    });

    it('lets it pass with a notice under unmatchedPackages: allow (the former behaviour)', async () => {
      const file = policy('uncovered-allowed.yml', uncovered('unmatchedPackages: allow\n'));
      const { exit, subject, errors } = await verifyJson(
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(errors).toEqual([]);
      expect(subject.valid).toBe(true);
      expect(subject.issues).toContainEqual(
        expect.objectContaining({ code: 'NUPKG007', level: 'info' }),
      );
      expect(subject.signerPolicy).toBe('no policy for this package');
      expect(exit).toBe(0);
    });

    it('refuses a value other than deny or allow, with the line', async () => {
      const file = policy('uncovered-typo.yml', uncovered('unmatchedPackages: warn\n'));
      const result = await run(
        'verify',
        '--policy-file',
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
        ...WHILE_CURRENT,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${file}:9: unmatchedPackages: must be ["deny","allow"]`);
    });
  });

  describe('when the policy file does not load', () => {
    it('verifies nothing and exits 2 with one coded line naming the place', async () => {
      const file = policy(
        'broken.yml',
        'version: 1\naccounts:\n  a:\n    certificates:\n      - fingerprint: 12ab\n',
      );
      const result = await run(
        'verify',
        '--policy-file',
        file,
        'fixtures/packages/system.buffers.4.5.1.nupkg',
      );
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error NUPKG005: [\s\S]*broken\.yml:5: [\s\S]*fingerprint/);
    });
  });
});

describe('nupkg-signing policy check', () => {
  it('accepts the shipped example and warns about nothing fatal', async () => {
    const result = await run('policy', 'check', 'examples/policy.yml');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/examples\/policy\.yml: OK/);
  });

  it('reports a registered certificate that expires within 30 days', async () => {
    const file = policy(
      'expiring.yml',
      `version: 1\naccounts:\n  a:\n    certificates:\n      - fingerprint: ${OTHER}\n        expires: 2026-12-10\npackages:\n  - id: A\n    owners: [a]\n`,
    );
    const result = await run('policy', 'check', '--json', file);
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      issues: { code: string; level: string; message: string }[];
    };
    expect(result.code).toBe(0);
    expect(report.issues).toEqual([
      expect.objectContaining({
        code: 'NUPKG007',
        level: 'warning',
        message: expect.stringMatching(/expire/),
      }),
    ]);
  });

  it('fails a rule that matches none of the given packages', async () => {
    const file = policy(
      'typo.yml',
      `version: 1\naccounts:\n  a: {}\npackages:\n  - id: Sytem.Buffers\n    owners: [a]\n`,
    );
    const result = await run(
      'policy',
      'check',
      file,
      '--packages',
      'fixtures/packages/system.buffers.4.5.1.nupkg',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/Sytem\.Buffers" matches no package/);
  });

  it('fails a package that no rule covers, showing the rule to add', async () => {
    const file = policy(
      'no-rule.yml',
      `version: 1\naccounts:\n  a: {}\npackages:\n  - id: Contoso.*\n    owners: [a]\n`,
    );
    const result = await run(
      'policy',
      'check',
      file,
      '--packages',
      'fixtures/packages/system.buffers.4.5.1.nupkg',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^error NUPKG007: System\.Buffers: no rule in .* Add a rule under packages, such as: - \{ id: System\.Buffers, owners: \[OWNER\] \}/m,
    );
  });

  it('fails a malformed file with the line and field', async () => {
    const file = policy(
      'dup.yml',
      `version: 1\naccounts:\n  a: {}\npackages:\n  - id: A\n    owners: [b]\n`,
    );
    const result = await run('policy', 'check', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/error NUPKG005: [\s\S]*dup\.yml:\d+/);
  });

  it('exits 2 (I/O error, as its help says) for a policy file that does not exist', async () => {
    const result = await run('policy', 'check', temp.path('missing-policy.yml'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error NUPKG005: .*missing-policy\.yml.*cannot be read/);
  });

  it('exits 2 with a JSON error document for a missing policy file with --json', async () => {
    const result = await run('policy', 'check', '--json', temp.path('missing-policy.yml'));
    expect(result.code).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('NUPKG005');
    expect(error.message).toMatch(/missing-policy\.yml/);
  });

  it('exits 2 for a directory given as the policy file', async () => {
    const result = await run('policy', 'check', 'examples');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error NUPKG005: .*'examples' is a directory/);
  });

  it('still exits 1 for a policy file over the size limit (read, then refused)', async () => {
    const file = policy('huge.yml', `# ${'x'.repeat(LIMITS.maxPolicyFileBytes)}\n`);
    const result = await run('policy', 'check', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/error NUPKG005: .*huge\.yml.* is larger than/);
  });
});

describe('nupkg-signing verify --configfile (nuget.config trustedSigners)', () => {
  const config = (mode: string) =>
    temp.write(
      `nuget-${mode}.config`,
      `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <config>\n    <add key="signatureValidationMode" value="${mode}" />\n  </config>\n  <trustedSigners>\n    <author name="microsoft">\n      <certificate fingerprint="${MICROSOFT}" hashAlgorithm="SHA256" allowUntrustedRoot="false" />\n    </author>\n  </trustedSigners>\n</configuration>\n`,
    );

  it('accepts a package signed by a trusted author', async () => {
    const result = await run(
      'verify',
      '--json',
      '--configfile',
      config('require'),
      'fixtures/packages/system.buffers.4.5.1.nupkg',
    );
    expect(result.code).toBe(0);
  });

  it('rejects a package from another signer in require mode (NU3034)', async () => {
    const result = await run(
      'verify',
      '--json',
      '--configfile',
      config('require'),
      'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
    );
    const [subject] = JSON.parse(result.stdout).results as {
      issues: { code: string; level: string }[];
    }[];
    expect(subject!.issues.filter((i) => i.level === 'error').map((i) => i.code)).toEqual([
      'NU3034',
    ]);
    expect(result.code).toBe(1);
  });

  it('only warns under the accept policy (restore), not under verify', async () => {
    const result = await run(
      'verify',
      '--json',
      '--policy',
      'accept',
      '--configfile',
      config('accept'),
      'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
    );
    const [subject] = JSON.parse(result.stdout).results as {
      issues: { code: string; level: string }[];
    }[];
    expect(subject!.issues.map((i) => `${i.level}:${i.code}`)).toEqual(['warning:NU3034']);
  });

  const trusting = (name: string, certificates: string) =>
    temp.write(
      name,
      `<configuration><trustedSigners><author name="microsoft">${certificates}</author><repository name="r" serviceIndex="https://r.test/index.json"><certificate fingerprint="${MICROSOFT}" hashAlgorithm="SHA256" allowUntrustedRoot="false" /></repository></trustedSigners></configuration>`,
    );

  it('prints NU3040 (conflicting allowUntrustedRoot) once per run, not per package', async () => {
    const config = trusting(
      'nuget-conflict.config',
      `<certificate fingerprint="${MICROSOFT}" hashAlgorithm="SHA256" allowUntrustedRoot="true" />`,
    );
    const result = await run(
      'verify',
      '--configfile',
      config,
      'fixtures/packages/system.buffers.4.5.1.nupkg',
      'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
    );
    expect(result.stderr.match(/NU3040/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^warning NU3040: There are two certificates/m);
  });

  it('stops with NUPKG005 (exit 2) on a SHA1 entry, as dotnet stops the run', async () => {
    const config = trusting(
      'nuget-sha1.config',
      `<certificate fingerprint="${'AB'.repeat(20)}" hashAlgorithm="SHA1" allowUntrustedRoot="false" />`,
    );
    const result = await run(
      'verify',
      '--configfile',
      config,
      'fixtures/packages/system.buffers.4.5.1.nupkg',
    );
    expect(result.code).toBe(2);
    expect(result.stdout + result.stderr).toMatch(
      /NUPKG005[\s\S]*Hash algorithm 'SHA1' is unsupported/,
    );
  });
});
