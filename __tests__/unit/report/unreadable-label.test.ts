import { PRESETS } from '../../../src/policy/presets.js';
import { renderText } from '../../../src/report/text.js';
import { TrustStore } from '../../../src/trust/trust-store.js';
import { verifyPackage } from '../../../src/verify/verify-package.js';
import { useTempDir } from '../../helpers/temp-files.js';
import { buildZip, nuspecEntry } from '../../helpers/zip-builder.js';

/** The label in place of "author signed" says what is wrong with a file that is no package. */
const temp = useTempDir();
const OPTIONS = {
  policy: PRESETS.verify,
  now: new Date('2025-06-01T12:00:00Z'),
  trust: { codeSigning: TrustStore.empty(), timestamping: TrustStore.empty() },
};

async function verdictLine(name: string, bytes: Buffer): Promise<string> {
  const result = await verifyPackage(temp.write(name, bytes), OPTIONS);
  expect(result.valid).toBe(false);
  expect(result.signature).toBe('unknown'); // the --json contract is unchanged
  return renderText([result]).split('\n')[0] ?? '';
}

describe('the label of a file whose signature is unknown', () => {
  it('says "empty file" for a 0-byte file (NUPKG001)', async () => {
    expect(await verdictLine('empty.nupkg', Buffer.alloc(0))).toMatch(
      /^FAIL .*empty\.nupkg {2}\(empty file \(NUPKG001\)\)$/,
    );
  });

  it('says "not a zip archive" for a text file (NUPKG001)', async () => {
    const text = Buffer.from('this is a text file, not a package\n'.repeat(4));
    expect(await verdictLine('text.nupkg', text)).toMatch(/\(not a zip archive \(NUPKG001\)\)$/);
  });

  it('says the signature cannot be read when .signature.p7s holds no CMS (NU3003)', async () => {
    const zip = buildZip({
      entries: [nuspecEntry(), { name: '.signature.p7s', data: Buffer.from('not a signature') }],
    });
    expect(await verdictLine('garbage-signature.nupkg', zip)).toMatch(
      /\(signature cannot be read \(NU3003\)\)$/,
    );
  });

  it('says the signature entry cannot be read when its zip headers are wrong (NU3005)', async () => {
    const zip = buildZip({
      entries: [
        nuspecEntry(),
        { name: '.signature.p7s', data: Buffer.from('x'), externalAttributes: 0x1800000 },
      ],
    });
    expect(await verdictLine('bad-entry.nupkg', zip)).toMatch(
      /\(signature entry cannot be read \(NU3005\)\)$/,
    );
  });
});
