import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { addRepositoryCountersignature } from '../../../src/sign/countersignature-builder.js';
import { buildPrimarySignature } from '../../../src/sign/signature-builder.js';
import { OID } from '../../../src/asn1/oids.js';
import { buildSignatureContent } from '../../../src/signature/signature-content.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { appendSignatureEntry, buildZip, nuspecEntry } from '../../helpers/zip-builder.js';
import { SIGNING_TIME, createSigningPki, type SigningPki } from './sign-fixtures.js';

/**
 * The strongest check of the builders: the .NET SDK's own verifier parses our CMS inside a real
 * package. The test root is not trusted (NU3018) and nothing is timestamped (NU3027); everything
 * that would mean NuGet cannot read or accept the structure must be absent.
 */
const dotnet = spawnSync('dotnet', ['--version'], { encoding: 'utf8' });
const haveDotnet = dotnet.status === 0;
const describeWithDotnet = haveDotnet ? describe : describe.skip;
if (!haveDotnet) {
  console.warn('Skipping dotnet nuget verify tests: `dotnet` is not on PATH.');
}

/**
 * What an untrusted test root and a missing timestamp produce: untrusted signing certificate
 * (NU3018), root not in the SDK bundle (NU3042), no timestamp (NU3027). Anything else, above all
 * NU3003/NU3005/NU3008/NU3009/NU3011/NU3012/NU3031, means NuGet cannot read or accept our bytes.
 */
const EXPECTED_CODES = ['NU3018', 'NU3027', 'NU3042'];

function verifyWithDotnet(path: string): { output: string; codes: string[] } {
  const result = spawnSync('dotnet', ['nuget', 'verify', '--all', '-v', 'n', path], {
    encoding: 'utf8',
    env: {
      ...process.env,
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      DOTNET_NOLOGO: '1',
      DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1',
    },
    timeout: 60_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  return { output, codes: [...new Set(output.match(/NU3\d{3}/g) ?? [])].sort() };
}

describeWithDotnet('dotnet nuget verify --all on packages we sign', () => {
  const temp = useTempDir();
  let pki: SigningPki;
  let unsigned: Buffer;
  beforeAll(async () => {
    pki = await createSigningPki();
    unsigned = buildZip({ entries: [nuspecEntry('Signed.ByUs', '1.2.3')] });
  });

  async function authorSignature(): Promise<Uint8Array> {
    const hash = createHash('sha256').update(unsigned).digest();
    const built = await buildPrimarySignature({
      content: buildSignatureContent('sha256', hash),
      signer: pki.signer,
      hashAlgorithm: 'sha256',
      signingTime: SIGNING_TIME,
      kind: 'author',
    });
    return built.der;
  }

  it('reads an author signature and reports only the untrusted root and missing timestamp', async () => {
    const path = temp.write(
      'author.nupkg',
      appendSignatureEntry(unsigned, Buffer.from(await authorSignature())),
    );
    const subject = verifyWithDotnet(path);
    expect(subject.output).toContain('Signature type: Author');
    expect(subject.codes.filter((code) => !EXPECTED_CODES.includes(code))).toEqual([]);
    expect(subject.codes).toContain('NU3018');
    expect(subject.codes).toContain('NU3027');
  });

  it('reads an author signature with a repository countersignature', async () => {
    const countersigned = await addRepositoryCountersignature(await authorSignature(), {
      signer: pki.signer,
      hashAlgorithm: 'sha384',
      signingTime: SIGNING_TIME,
      serviceIndexUrl: 'https://api.example.test/v3/index.json',
      packageOwners: ['alice'],
    });
    const path = temp.write(
      'countersigned.nupkg',
      appendSignatureEntry(unsigned, Buffer.from(countersigned.der)),
    );
    const subject = verifyWithDotnet(path);
    expect(subject.output).toContain('Signature type: Author');
    expect(subject.output).toContain('Signature type: Repository');
    expect(subject.output).toContain('https://api.example.test/v3/index.json');
    expect(subject.codes.filter((code) => !EXPECTED_CODES.includes(code))).toEqual([]);
    expect(subject.output).toContain(
      "The repository countersignature's signing certificate is not trusted",
    );
  });

  it('rejects an author signature without signing-certificate-v2 with NU3011', async () => {
    const hash = createHash('sha256').update(unsigned).digest();
    const defective = await buildPrimarySignature({
      content: buildSignatureContent('sha256', hash),
      signer: pki.signer,
      hashAlgorithm: 'sha256',
      signingTime: SIGNING_TIME,
      kind: 'author',
      overrides: { omitAttributes: [OID.signingCertificateV2] },
    });
    const path = temp.write(
      'no-ess.nupkg',
      appendSignatureEntry(unsigned, Buffer.from(defective.der)),
    );
    expect(verifyWithDotnet(path).codes).toContain('NU3011');
  });
});
