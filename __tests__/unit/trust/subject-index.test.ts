import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CODE_SIGNING_BUNDLE,
  readSubjectIndex,
  SUBJECT_INDEX,
  TIMESTAMPING_BUNDLE,
} from '../../../src/trust/bundled-roots.js';
import { loadPemCertificates } from '../../../src/trust/pem.js';
import { storeSubjectKey, TrustStore } from '../../../src/trust/trust-store.js';

// trustedroots/subject-index.json is derived from the two bundles. Regenerate it after
// scripts/update-trusted-roots.mjs with: UPDATE_SUBJECT_INDEX=1 npm test -- subject-index
const DIRECTORY = resolve('trustedroots');
const INDEX = join(DIRECTORY, SUBJECT_INDEX);

function expectedIndex(): Record<string, string> {
  const index: Record<string, string> = {};
  for (const bundle of [CODE_SIGNING_BUNDLE, TIMESTAMPING_BUNDLE]) {
    for (const der of loadPemCertificates(readFileSync(join(DIRECTORY, bundle), 'latin1'))) {
      const fingerprint = createHash('sha256').update(der).digest('hex').toUpperCase();
      index[fingerprint] = storeSubjectKey(der);
    }
  }
  return Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
}

describe('the bundled roots subject index', () => {
  it('holds the subject key of every bundled root, as loading would compute it', () => {
    const expected = `${JSON.stringify(expectedIndex(), null, 2)}\n`;
    if (process.env.UPDATE_SUBJECT_INDEX === '1') writeFileSync(INDEX, expected);
    expect(readFileSync(INDEX, 'utf8')).toBe(expected);
  });

  it('changes nothing a store answers: indexed and computed stores find the same issuers', () => {
    const bundle = join(DIRECTORY, CODE_SIGNING_BUNDLE);
    const indexed = TrustStore.fromPemFiles([bundle], readSubjectIndex(INDEX));
    const computed = TrustStore.fromPemFiles([bundle]);
    expect(indexed.size).toBe(computed.size);
    const subjects = Object.values(expectedIndex());
    for (const subject of subjects.slice(0, 50)) {
      const a = indexed.withSubject(subject).map((facts) => facts.fingerprint);
      const b = computed.withSubject(subject).map((facts) => facts.fingerprint);
      expect(a).toEqual(b);
    }
  });

  it('is only a hint: an entry for other bytes, or a damaged file, is ignored', () => {
    expect(readSubjectIndex(join(DIRECTORY, 'README.md')).size).toBe(0);
    expect(readSubjectIndex(join(DIRECTORY, 'absent.json')).size).toBe(0);
  });
});
