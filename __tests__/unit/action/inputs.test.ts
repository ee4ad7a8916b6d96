import { join, resolve } from 'node:path';
import { resolveInputs, type ActionInputs } from '../../../src/action/inputs.js';
import { actionInputs } from '../../helpers/action-inputs.js';

/** Input validation, called directly with the inputs as GitHub passes them. */
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
