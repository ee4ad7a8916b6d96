import { join, resolve } from 'node:path';
import { resolveInputs, type ActionInputs } from '../../src/action/inputs.js';
import { toAnnotations } from '../../src/report/github/annotations.js';
import { planCheckRun } from '../../src/report/github/check-run.js';
import { collectFindings, type Finding } from '../../src/report/github/findings.js';
import { renderSarif } from '../../src/report/github/sarif.js';
import { renderSummary } from '../../src/report/github/summary.js';
import type { PackageVerification } from '../../src/verify/verify-package.js';
import { sarifValidator } from './sarif-schema.js';
import { actionInputs } from '../helpers/action-inputs.js';

/** The GitHub renderers and input validation, called directly with plain objects. */
const paths = { workspace: '/ws', cwd: '/ws' };

function result(file: string, issues: PackageVerification['issues']): PackageVerification {
  return {
    file,
    valid: !issues.some((i) => i.level === 'error'),
    signature: 'author',
    countersigned: false,
    issues,
  };
}

describe('collectFindings', () => {
  it('puts errors first, then warnings, grouped by package, and leaves information notes out', () => {
    const subject = collectFindings([
      result('b.nupkg', [
        { code: 'NU3027', level: 'warning', message: 'w' },
        { code: 'NU3008', level: 'error', message: 'e' },
      ]),
      result('a.nupkg', [
        { code: 'NU3018', level: 'info', message: 'i' },
        { code: 'NU3004', level: 'error', message: 'e' },
      ]),
    ]);
    expect(subject.map((f) => `${f.level} ${f.file} ${f.code}`)).toEqual([
      'error a.nupkg NU3004',
      'error b.nupkg NU3008',
      'warning b.nupkg NU3027',
    ]);
  });

  it('turns a signing error into an error finding', () => {
    const subject = collectFindings(
      [],
      [
        {
          file: 'x.nupkg',
          signed: false,
          warnings: [],
          error: { code: 'NU3001', message: 'already signed' },
        },
      ],
    );
    expect(subject).toEqual([
      { file: 'x.nupkg', code: 'NU3001', level: 'error', message: 'already signed' },
    ]);
  });
});

describe('toAnnotations', () => {
  it('maps info to notice and keeps paths outside the workspace absolute', () => {
    const subject = toAnnotations(
      [
        { file: 'pkgs/a.nupkg', code: 'NU3018', level: 'info', message: 'm' },
        { file: '/elsewhere/b.nupkg', code: 'NU3004', level: 'error', message: 'n' },
      ],
      paths,
    );
    expect(subject).toEqual([
      { level: 'notice', title: 'NU3018', file: 'pkgs/a.nupkg', message: 'pkgs/a.nupkg: m' },
      {
        level: 'error',
        title: 'NU3004',
        file: '/elsewhere/b.nupkg',
        message: '/elsewhere/b.nupkg: n',
      },
    ]);
  });
});

describe('planCheckRun', () => {
  const findings: Finding[] = Array.from({ length: 120 }, (_, i) => ({
    file: `p${i}.nupkg`,
    code: 'NU3004',
    level: 'error',
    message: 'not signed',
  }));

  it('splits 120 annotations into a create with 50 and updates with 50 and 20', () => {
    const subject = planCheckRun({
      findings,
      conclusion: 'failure',
      title: 't',
      text: 'x',
      ...paths,
    });
    expect(subject.conclusion).toBe('failure');
    expect([subject.create, ...subject.updates].map((o) => o.annotations.length)).toEqual([
      50, 50, 20,
    ]);
    expect(subject.updates[1]?.annotations[19]).toEqual({
      path: 'p119.nupkg',
      start_line: 1,
      end_line: 1,
      annotation_level: 'failure',
      title: 'NU3004',
      message: 'not signed',
    });
  });

  it('cuts the text to the API limit of 65535 characters', () => {
    const subject = planCheckRun({
      findings: [],
      conclusion: 'success',
      title: 't',
      text: 'y'.repeat(70000),
      ...paths,
    });
    expect(subject.create.text?.length).toBe(65535);
    expect(subject.create.text).toMatch(/see the job summary for the complete report\)$/);
    expect(subject.updates).toEqual([]);
  });

  it('drops a Mermaid diagram the cut would leave open, keeping the note outside any block', () => {
    const diagram = '```mermaid\nflowchart LR\n' + '  c0 --> c1\n'.repeat(3000) + '```\n';
    const text = `## run\n\n${'z'.repeat(40000)}\n\n${diagram}`;
    const subject = planCheckRun({
      findings: [],
      conclusion: 'success',
      title: 't',
      text,
      ...paths,
    });
    const cut = subject.create.text ?? '';
    expect(cut.length).toBeLessThanOrEqual(65535);
    expect(cut).not.toContain('```');
    expect(cut).toMatch(/z\n+… \(cut; see the job summary for the complete report\)$/);
  });
});

describe('renderSarif', () => {
  const findings: Finding[] = [
    { file: 'pkgs/a b.nupkg', code: 'NU3027', level: 'warning', message: 'no timestamp' },
    { file: '/elsewhere/c.nupkg', code: 'NU3018', level: 'info', message: 'untrusted' },
  ];

  it('produces a log the SARIF 2.1.0 schema accepts, with notes and file URIs', () => {
    const subject = renderSarif(findings, { version: '9.9.9', ...paths }) as {
      runs: {
        results: {
          level: string;
          locations: { physicalLocation: { artifactLocation: object } }[];
        }[];
      }[];
    };
    const validate = sarifValidator();
    const valid = validate(subject);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(
      subject.runs[0]?.results.map((r) => [
        r.level,
        r.locations[0]?.physicalLocation.artifactLocation,
      ]),
    ).toEqual([
      ['warning', { uri: 'pkgs/a%20b.nupkg', uriBaseId: '%SRCROOT%' }],
      ['note', { uri: 'file:///elsewhere/c.nupkg' }],
    ]);
  });

  it('is checked by a schema that rejects a log without a version', () => {
    const broken = renderSarif(findings, { version: '1', ...paths }) as Record<string, unknown>;
    delete broken.version;
    expect(sarifValidator()(broken)).toBe(false);
  });
});

describe('renderSummary', () => {
  it('keeps a message with a pipe and a newline inside its table cell', () => {
    const subject = renderSummary({
      mode: 'verify',
      verifications: [
        result('a.nupkg', [{ code: 'NU3008', level: 'error', message: 'a | b\nc <d>' }]),
      ],
      signing: [],
      verdict: 'v',
    });
    // The policy column is empty (—) when the result does not say which policy decided.
    expect(subject).toContain('| ❌ **invalid** | — | **NU3008** error: a &#124; b c &lt;d&gt; |');
  });
});

describe('resolveInputs', () => {
  const blank: ActionInputs = actionInputs({
    workspace: '/ws',
    cwd: '/ws',
    runnerTemp: '/tmp/runner',
    stepId: 'verify-step',
  });
  const masked: string[] = [];
  const context = { mask: (secret: string) => void masked.push(secret) };

  it('applies the documented defaults to empty inputs', async () => {
    const subject = await resolveInputs(blank, context);
    expect(subject).toEqual({
      mode: 'verify',
      packages: ['**/*.nupkg'],
      allowNoPackages: false,
      verify: {
        trustedRoots: [],
        certificateFingerprints: [],
        revocation: { mode: 'online' },
        // nuget-config-discovery defaults to true: the nuget.config files dotnet would read.
        nugetConfigDiscovery: { workingDirectory: '/ws', environment: {} },
      },
      failOn: 'error',
      resultsFile: join('/tmp/runner', 'nupkg-signing-results-verify-step.json'),
      summary: true,
      notes: [],
    });
  });

  it('nuget-config-discovery: false turns discovery off; nuget-config wins over it', async () => {
    const variables = { HOME: '/home/runner' };
    const environment = { ...blank.environment, nugetConfigVariables: variables };
    const on = await resolveInputs({ ...blank, environment }, context);
    expect(on.verify.nugetConfigDiscovery).toEqual({
      workingDirectory: '/ws',
      environment: variables,
    });
    const off = await resolveInputs({ ...blank, nugetConfigDiscovery: 'false' }, context);
    expect(off.verify.nugetConfigDiscovery).toBeUndefined();
    const given = await resolveInputs({ ...blank, nugetConfig: 'nuget.config' }, context);
    expect(given.verify).toMatchObject({ nugetConfig: 'nuget.config' });
    expect(given.verify.nugetConfigDiscovery).toBeUndefined();
    await expect(resolveInputs({ ...blank, nugetConfigDiscovery: 'no' }, context)).rejects.toThrow(
      "Input 'nuget-config-discovery' must be true or false, not 'no'.",
    );
  });

  it('resolves junit-file against the working directory and reads nuget-org-advice', async () => {
    const signing = {
      ...blank,
      mode: 'sign',
      privateKey:
        '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----',
      certificateChain: '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----',
    };
    const internal = await resolveInputs(
      { ...signing, junitFile: 'reports/junit.xml', nugetOrgAdvice: 'false' },
      context,
    );
    expect(internal.junitFile).toBe(resolve('/ws', 'reports', 'junit.xml'));
    expect(internal.mode === 'sign' ? internal.sign.nugetOrgAdvice : 'not sign').toBe(false);
    const advised = await resolveInputs(signing, context);
    expect(advised.junitFile).toBeUndefined();
    expect(advised.mode === 'sign' ? advised.sign.nugetOrgAdvice : 'not sign').toBe(true);
  });

  it('splits list inputs on newlines and commas', async () => {
    const subject = await resolveInputs(
      { ...blank, packages: 'a/*.nupkg, b.nupkg\n\n  c/ \n' },
      context,
    );
    expect(subject.packages).toEqual(['a/*.nupkg', 'b.nupkg', 'c/']);
  });

  it('rejects a certificate that is neither a file nor base64 without echoing it', async () => {
    const promise = resolveInputs(
      { ...blank, mode: 'sign', certificate: 'not base64 & secret?' },
      context,
    );
    await expect(promise).rejects.toThrow(/^Input 'certificate' is neither an existing file/);
    await expect(promise).rejects.not.toThrow(/secret\?/);
  });

  it('masks the PFX bytes it decodes from base64', async () => {
    const base64 = Buffer.from('a fake pfx, sixteen bytes or more').toString('base64');
    const subject = await resolveInputs({ ...blank, mode: 'sign', certificate: base64 }, context);
    expect(subject.mode === 'sign' && subject.sign.key.source).toBe("the 'certificate' input");
    expect(masked).toContain(base64);
  });

  it('turns sign-command lines into the argument vector, one argument per line', async () => {
    const subject = await resolveInputs(
      {
        ...blank,
        mode: 'sign-and-verify',
        signCommand:
          'C:\\Program Files\\Signer\\sign.exe\r\n  --key name with spaces \n\n"quoted"\n',
        signKeyId: ' release ',
        certificateChain: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
      },
      context,
    );
    expect(subject.mode !== 'verify' && subject.sign.key).toEqual({
      signCommand: ['C:\\Program Files\\Signer\\sign.exe', '--key name with spaces', '"quoted"'],
      keyId: 'release',
      certificateChainPem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
      source: "the 'certificate-chain' input",
    });
  });

  it('passes sign-url and the sign-token through to the run layer', async () => {
    const chain = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----';
    const subject = await resolveInputs(
      {
        ...blank,
        mode: 'sign',
        signUrl: 'https://signer.example.test/sign',
        signToken: 'tok',
        certificateChain: chain,
      },
      context,
    );
    expect(subject.mode !== 'verify' && subject.sign.key).toMatchObject({
      signUrl: 'https://signer.example.test/sign',
      bearerToken: 'tok',
    });
  });

  it.each([
    [{ signKeyId: 'k', privateKey: 'x' }, "Input 'sign-key-id' applies only to"],
    [{ signCommand: 'a', signUrl: 'https://x.test/' }, "not 'sign-command' and 'sign-url'"],
    [{}, "or a remote signer 'sign-command' or 'sign-url'"],
  ])('rejects the key inputs %j with NUPKG003', async (given, message) => {
    await expect(resolveInputs({ ...blank, mode: 'sign', ...given }, context)).rejects.toThrow(
      expect.objectContaining({ code: 'NUPKG003', message: expect.stringContaining(message) }),
    );
  });

  it('names sign-command and sign-url as ignored in verify mode', async () => {
    const subject = await resolveInputs({ ...blank, signCommand: 'a', signUrl: 'b' }, context);
    expect(subject.notes).toEqual([
      "Input 'sign-command' is ignored in mode verify. Set mode: sign-and-verify to sign the packages first.",
      "Input 'sign-url' is ignored in mode verify. Set mode: sign-and-verify to sign the packages first.",
    ]);
  });

  it('rejects check-run without a token, naming the permission', async () => {
    await expect(resolveInputs({ ...blank, checkRun: 'true' }, context)).rejects.toThrow(
      /checks: write/,
    );
  });

  it('rejects a boolean input that is not true or false', async () => {
    await expect(resolveInputs({ ...blank, summary: 'yes' }, context)).rejects.toThrow(
      "Input 'summary' must be true or false, not 'yes'.",
    );
  });

  it('warns about signing inputs in verify mode', async () => {
    const subject = await resolveInputs({ ...blank, timestampUrls: 'http://tsa' }, context);
    expect(subject.notes).toEqual([
      "Input 'timestamp-urls' is ignored in mode verify. Set mode: sign-and-verify to sign the packages first.",
    ]);
  });
});
