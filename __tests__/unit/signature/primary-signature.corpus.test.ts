import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, describeWithCorpus } from '../../helpers/corpus.js';
import { inflateRawSync } from 'node:zlib';
import { NupkgSigningError } from '../../../src/errors.js';
import { openPackageArchive, signatureRecords } from '../../../src/package/archive.js';
import { readSignatureEntry } from '../../../src/package/signature-entry.js';
import { LOCAL_FILE_HEADER_SIZE, parseLocalFileHeader } from '../../../src/package/zip-format.js';
import {
  attributesByOid,
  decodeNuGetPackageOwners,
  decodeNuGetV3ServiceIndexUrl,
  type AttributeView,
} from '../../../src/signature/attributes.js';
import { hashAlgorithmFromOid, HASH_ALGORITHMS } from '../../../src/hash-algorithms.js';
import { OID } from '../../../src/asn1/oids.js';
import {
  parsePrimarySignature,
  type PrimarySignature,
} from '../../../src/signature/primary-signature.js';
import type { TimestampTokenView } from '../../../src/signature/timestamp-token.js';

/**
 * Every real signature in the shared corpus, checked against the ground truth its MANIFEST.tsv
 * and DETAILS.json were built with (openssl, not this code).
 */
const CORPUS = CORPUS_DIR;
const REAL = join(CORPUS, 'real');
const TAMPERED = join(CORPUS, 'tampered');
const describeCorpus = describeWithCorpus;
if (!existsSync(REAL)) console.warn(`Skipping corpus tests: ${REAL} is absent.`);

type Row = Record<string, string>;

/**
 * `X500DistinguishedName.Name` of the subject and issuer of every certificate in the corpus
 * signatures, printed by the .NET 10 SDK on Linux (fingerprint, subject, issuer).
 */
const DOTNET_NAMES = new Map(
  readFileSync(new URL('./fixtures/dotnet-x500-names.tsv', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [fingerprint, subject, issuer] = line.split('\t');
      return [fingerprint, [subject, issuer]] as const;
    }),
);

function readManifest(path: string): Row[] {
  const [header, ...lines] = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const columns = (header ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

interface Details {
  certs?: { sha256: string }[];
  primary_signed_attrs?: string[];
  primary_ts_policy?: string;
  primary_ts_accuracy_hex?: string | null;
  primary_ts_nonce?: number | null;
  countersigner_signed_attrs?: string[];
}

/** The signature bytes; a deflated entry (NU3005 for NuGet) is inflated so its CMS is still tested. */
async function signatureBytes(path: string): Promise<Uint8Array> {
  if (path.endsWith('.p7s')) return readFileSync(path);
  const archive = await openPackageArchive(path);
  try {
    return (await readSignatureEntry(archive)).bytes;
  } catch (error) {
    const record = signatureRecords(archive)[0];
    if (!(error instanceof NupkgSigningError) || error.code !== 'NU3005' || !record) throw error;
    const local = parseLocalFileHeader(
      await archive.file.read(record.localHeaderOffset, LOCAL_FILE_HEADER_SIZE),
    );
    if (!local) throw error;
    const start =
      record.localHeaderOffset + LOCAL_FILE_HEADER_SIZE + local.nameLength + local.extraLength;
    const data = await archive.file.read(start, record.compressedSize);
    return record.compressionMethod === 8 ? inflateRawSync(data) : data;
  } finally {
    await archive.file.close();
  }
}

/** openssl's attribute labels, as DETAILS.json lists them. */
const ATTRIBUTE_LABELS: Record<string, string> = {
  [OID.contentType]: 'contentType',
  [OID.signingTime]: 'signingTime',
  [OID.commitmentTypeIndication]: 'commitmentTypeIndication',
  [OID.messageDigest]: 'messageDigest',
  [OID.signingCertificateV2]: 'signingCertificateV2',
  [OID.nugetV3ServiceIndexUrl]: 'nuget-v3-service-index-url',
  [OID.nugetPackageOwners]: 'nuget-package-owners',
};

const labels = (list: readonly AttributeView[]) =>
  list.map((a) => ATTRIBUTE_LABELS[a.oid] ?? a.oid);
const seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

function tsaCommonName(token: TimestampTokenView | undefined): string | undefined {
  return token?.signer.findSignerCertificate(token.certificates)?.commonName;
}

function singleValue(list: readonly AttributeView[], oid: string): Uint8Array | undefined {
  return attributesByOid(list, oid)[0]?.values[0];
}

const SIGNED_TYPES = new Set(['author', 'repository', 'author+repository-countersignature']);

describeCorpus('#parsePrimarySignature on the real corpus', () => {
  const manifest = existsSync(REAL) ? readManifest(join(REAL, 'MANIFEST.tsv')) : [];
  const details = existsSync(REAL)
    ? (JSON.parse(readFileSync(join(REAL, 'DETAILS.json'), 'utf8')) as Record<string, Details>)
    : {};
  const rows = manifest.filter(
    (row) =>
      row['has_signature'] === 'yes' &&
      SIGNED_TYPES.has(row['signature_type'] ?? '') &&
      existsSync(join(REAL, row['file'] ?? '')),
  );

  it('finds the signed files the manifest lists', () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
  });

  describe.each(rows.map((row) => [row['file'] as string, row] as const))('%s', (file, row) => {
    let subject: PrimarySignature;
    const detail = details[file] ?? {};

    beforeAll(async () => {
      subject = parsePrimarySignature(await signatureBytes(join(REAL, file)));
    });

    it('has the manifest signature type', () => {
      const expected = row['signature_type'];
      const primary = expected === 'repository' ? 'repository' : 'author';
      expect(subject.signatureType).toBe(primary);
      expect(subject.repositoryCountersignatures).toHaveLength(
        expected === 'author+repository-countersignature' ? 1 : 0,
      );
    });

    it('finds the signer certificate by its sid', () => {
      const certificate = subject.signer.findSignerCertificate(subject.certificates);
      expect(subject.signer.sid.kind).toBe(row['signer_sid_kind']);
      expect(certificate?.commonName).toBe(row['signer_cn']);
      expect(certificate?.fingerprintSha256).toBe(row['signer_cert_sha256']);
    });

    it('formats every certificate name exactly as .NET does', () => {
      const all = [
        ...subject.certificates,
        ...subject.timestamps.flatMap((t) => t.certificates),
        ...subject.countersignatures.flatMap((c) => c.timestamps.flatMap((t) => t.certificates)),
      ];
      for (const certificate of all) {
        const expected = DOTNET_NAMES.get(certificate.fingerprintSha256);
        expect([certificate.subject, certificate.issuer]).toEqual(expected);
      }
    });

    it('keeps every certificate of the CMS', () => {
      const expected = (detail.certs ?? []).map((c) => c.sha256).sort();
      expect(subject.certificates.map((c) => c.fingerprintSha256).sort()).toEqual(expected);
      expect(subject.certificates).toHaveLength(Number(row['n_certs_in_cms']));
    });

    it('reads the digest algorithm and the signed attributes in document order', () => {
      const algorithm = hashAlgorithmFromOid(subject.signer.digestAlgorithmOid);
      expect(algorithm && HASH_ALGORITHMS[algorithm].label).toBe(row['digest_algorithm']);
      expect(labels(subject.signer.signedAttributes)).toEqual(detail.primary_signed_attrs);
      expect(subject.signer.signedAttributesDer?.[0]).toBe(0xa0);
      expect(subject.content?.length).toBeGreaterThanOrEqual(85);
    });

    it('reads the primary timestamp', () => {
      const [token] = subject.timestamps;
      if (row['timestamp_present'] !== 'yes') {
        expect(subject.timestamps).toHaveLength(0);
        return;
      }
      expect(token && seconds(token.tstInfo.genTime)).toBe(row['timestamp_gentime']);
      expect(tsaCommonName(token)).toBe(row['tsa_cn']);
      expect(token?.tstInfo.policy).toBe(detail.primary_ts_policy);
      if (detail.primary_ts_nonce !== undefined) {
        expect(token?.tstInfo.nonce).toBeDefined();
      }
    });

    it('reads the repository countersignature and its timestamp', () => {
      const [countersignature] = subject.repositoryCountersignatures;
      if (!row['countersigner_cert_sha256']) {
        expect(countersignature).toBeUndefined();
        return;
      }
      const certificate = countersignature?.signer.findSignerCertificate(subject.certificates);
      expect(certificate?.fingerprintSha256).toBe(row['countersigner_cert_sha256']);
      expect(certificate?.commonName).toBe(row['repo_countersigner_cn']);
      expect(countersignature?.signer.sid.kind).toBe(row['countersigner_sid_kind']);
      expect(labels(countersignature?.signer.signedAttributes ?? [])).toEqual(
        detail.countersigner_signed_attrs,
      );
      const [token] = countersignature?.timestamps ?? [];
      expect(token && seconds(token.tstInfo.genTime)).toBe(row['countersigner_timestamp_gentime']);
      expect(tsaCommonName(token)).toBe(row['countersigner_tsa_cn']);
    });

    it('decodes the repository attributes', () => {
      const repository =
        subject.signatureType === 'repository'
          ? subject.signer
          : subject.repositoryCountersignatures[0]?.signer;
      const url =
        repository && singleValue(repository.signedAttributes, OID.nugetV3ServiceIndexUrl);
      const owners = repository && singleValue(repository.signedAttributes, OID.nugetPackageOwners);
      expect(url && decodeNuGetV3ServiceIndexUrl(url)).toBe(
        row['nuget_v3_service_index_url'] || undefined,
      );
      expect(owners && decodeNuGetPackageOwners(owners).join(',')).toBe(
        row['nuget_package_owners'] || undefined,
      );
    });
  });
});

describeCorpus('#parsePrimarySignature on the accuracy ground truth', () => {
  it.each([
    ['system.buffers.4.5.1.nupkg', 30_000_000],
    ['nuget-client-resource__signaturewithtimestamp.p7s', 1_500_000],
  ])('converts the TSTInfo accuracy of %s to %i microseconds', async (file, micros) => {
    const subject = parsePrimarySignature(await signatureBytes(join(REAL, file)));
    expect(subject.timestamps[0]?.tstInfo.accuracyMicroseconds).toBe(micros);
  });
});

describeCorpus('#parsePrimarySignature on undecodable corpus signatures', () => {
  it.each([
    'system.buffers.4.5.1__ar-10-signature-truncated.nupkg',
    'k4os.hash.xxhash.1.0.6__rp-10-signature-truncated.nupkg',
    'fnord.1.0__un-01-fake-signature-entry.nupkg',
    'testunsigned.1.0.0__un-05-fake-signature-entry.nupkg',
    'testunsigned.1.0.0__un-06-empty-signature-entry.nupkg',
  ])('reports NU3003 for %s', async (file) => {
    const bytes = await signatureBytes(join(TAMPERED, file));
    expect(() => parsePrimarySignature(bytes)).toThrow(
      expect.objectContaining({ code: 'NU3003' }) as Error,
    );
  });

  it.each([
    'nuget-client-resource__signaturefileentry.zip',
    'nuget-client-resource__signaturefilewithfakecontent.zip',
  ])('reports NU3003 for the unreadable signature of %s', async (file) => {
    const bytes = await signatureBytes(join(REAL, file));
    expect(() => parsePrimarySignature(bytes)).toThrow(
      expect.objectContaining({ code: 'NU3003' }) as Error,
    );
  });
});
