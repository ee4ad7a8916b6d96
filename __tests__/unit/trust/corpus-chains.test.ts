import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from '../../helpers/corpus.js';
import { loadBundledTrustStores, type TrustStores } from '../../../src/trust/bundled-roots.js';
import { buildChain } from '../../../src/trust/chain-builder.js';
import { OID } from '../../../src/asn1/oids.js';
import { readCorpusSignature } from './corpus-signature.js';

const CORPUS = join(CORPUS_DIR, 'real');
const describeCorpus = existsSync(CORPUS) ? describe : describe.skip;

/** nuget.org packages whose author (or repository) signature chains to a Microsoft CTL root. */
const PACKAGES = [
  'newtonsoft.json.13.0.4.nupkg',
  'microsoft.net.test.sdk.18.5.1.nupkg',
  'system.buffers.4.5.1.nupkg',
  'newtonsoft.json.12.0.3.nupkg',
  'xunit.v3.mtp-v2.3.2.2.nupkg',
  'jquery.2.1.1.nupkg',
  'csvhelper.33.0.1.nupkg',
];

describeCorpus('#buildChain on real nuget.org signatures', () => {
  let stores: TrustStores;
  beforeAll(() => {
    stores = loadBundledTrustStores();
  });

  describe.each(PACKAGES)('%s', (file) => {
    it('chains the signing certificate to a bundled code-signing root', async () => {
      const { primary, timestamp } = await readCorpusSignature(join(CORPUS, file));
      const subject = buildChain(primary.signer, {
        anchors: stores.codeSigning,
        intermediates: primary.certificates,
        applicationPolicy: OID.codeSigning,
        verificationTime: timestamp?.genTime ?? new Date('2026-01-01T00:00:00Z'),
        ignoreNotTimeValid: true,
      });
      expect(subject.statuses).toEqual([]);
      expect(subject.trusted).toBe(true);
      expect(subject.chain.length).toBeGreaterThanOrEqual(3);
    });

    it('chains the timestamp certificate to a bundled timestamping root', async () => {
      const { timestamp } = await readCorpusSignature(join(CORPUS, file));
      if (!timestamp) throw new Error(`${file} is expected to carry a timestamp`);
      const subject = buildChain(timestamp.signer, {
        anchors: stores.timestamping,
        intermediates: timestamp.certificates,
        applicationPolicy: OID.timeStamping,
        verificationTime: new Date('2026-01-01T00:00:00Z'),
        ignoreNotTimeValid: true,
      });
      expect(subject.statuses).toEqual([]);
      expect(subject.trusted).toBe(true);
    });
  });

  describe('when the code-signing chain is checked against the timestamping roots', () => {
    it('does not report a clean trusted chain for the author certificate', async () => {
      const { primary } = await readCorpusSignature(join(CORPUS, 'newtonsoft.json.13.0.4.nupkg'));
      const subject = buildChain(primary.signer, {
        anchors: stores.timestamping,
        intermediates: primary.certificates,
        applicationPolicy: OID.timeStamping,
        verificationTime: new Date('2026-01-01T00:00:00Z'),
        ignoreNotTimeValid: true,
      });
      expect(subject.statuses).toContain('NotValidForUsage');
    });
  });
});
