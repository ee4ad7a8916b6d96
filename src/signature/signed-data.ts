import type * as pkijs from 'pkijs';
import { getPkijs } from '../crypto.js';
import { NupkgSigningError, describeError } from '../errors.js';
import { certificateFromBlock, type CertificateView } from './certificate.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  isContextTag,
  isUniversal,
  readOctetString,
  readOid,
  TAG,
  type AsnBlock,
} from './der.js';
import { LIMITS } from '../package/limits.js';
import { childElements, readElement } from './der-headers.js';
import { OID } from './oids.js';

/**
 * A CMS ContentInfo holding SignedData (RFC 5652 §3, §5.1), shared by the package signature and
 * RFC 3161 timestamp tokens. SignerInfos are left as decoded elements so each caller can apply
 * its own cardinality rule (NU3009 for a package signature, NU3021 for a timestamp).
 */
export interface SignedDataParts {
  readonly der: Uint8Array;
  readonly contentType: string;
  readonly signedData: pkijs.SignedData;
  readonly eContentType: string;
  /** eContent octets, undefined when the content is detached. */
  readonly eContent: Uint8Array | undefined;
  /** X.509 certificates of `certificates`, in encoding order (other choices are skipped, as .NET does). */
  readonly certificates: CertificateView[];
  readonly signerInfoBlocks: AsnBlock[];
}

/** Decodes `bytes` as ContentInfo/SignedData. Anything malformed is NU3003. */
export function readSignedData(bytes: Uint8Array, what: string): SignedDataParts {
  // Checked before decoding: asn1js needs minutes for a 4 MiB set of thousands of certificates.
  const certificateCount = countCertificates(bytes);
  if (certificateCount > LIMITS.maxCertificates) throw tooManyCertificates(certificateCount);
  const root = decodeDer(bytes, what);
  try {
    return readParts(root, bytes);
  } catch (error) {
    if (error instanceof NupkgSigningError) throw error;
    throw new NupkgSigningError(
      'NU3003',
      `The ${what} cannot be decoded: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

function readParts(root: AsnBlock, bytes: Uint8Array): SignedDataParts {
  // ContentInfo ::= SEQUENCE { contentType OID, content [0] EXPLICIT ANY }
  const [typeBlock, wrapper, extra] = childrenOf(root);
  if (!isUniversal(root, TAG.sequence) || extra)
    throw new StructureError('it is not a CMS ContentInfo');
  const contentType = readOid(typeBlock, 'contentType');
  if (contentType !== OID.signedData) {
    throw new StructureError(
      `its content type is ${contentType}, not signedData (${OID.signedData})`,
    );
  }
  const [signedDataBlock] = isContextTag(wrapper, 0) && wrapper ? childrenOf(wrapper) : [];
  if (!signedDataBlock || !isUniversal(signedDataBlock, TAG.sequence)) {
    throw new StructureError('the SignedData content is missing');
  }

  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
  //   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
  const fields = childrenOf(signedDataBlock);
  const [, digestAlgorithms, encapContentInfo] = fields;
  const signerInfos = fields[fields.length - 1];
  if (
    !isUniversal(digestAlgorithms, TAG.set) ||
    !isUniversal(signerInfos, TAG.set) ||
    fields.length < 4
  ) {
    throw new StructureError('SignedData is incomplete');
  }
  const [eContentTypeBlock, eContentWrapper] = childrenOf(encapContentInfo ?? signedDataBlock);
  const eContentType = readOid(eContentTypeBlock, 'eContentType');
  const eContent = isContextTag(eContentWrapper, 0)
    ? readOctetString(childrenOf(eContentWrapper as AsnBlock)[0], 'eContent')
    : undefined;
  const certificateSet = fields.slice(3, -1).find((f) => isContextTag(f, 0));
  const choices = certificateSet ? childrenOf(certificateSet) : [];
  if (choices.length > LIMITS.maxCertificates) throw tooManyCertificates(choices.length);
  const certificates = choices
    .filter((choice) => isUniversal(choice, TAG.sequence))
    .map(certificateFromBlock);

  let pkijsView: pkijs.SignedData | undefined;
  return {
    der: Uint8Array.from(bytes),
    contentType,
    // Built on first use: constructing pkijs objects costs more than our own parse.
    get signedData() {
      pkijsView ??= new (getPkijs().SignedData)({ schema: signedDataBlock });
      return pkijsView;
    },
    eContentType,
    eContent,
    certificates,
    signerInfoBlocks: childrenOf(signerInfos as AsnBlock),
  };
}

function tooManyCertificates(count: number): NupkgSigningError {
  return new NupkgSigningError(
    'NUPKG004',
    `The signature holds ${count} certificates, over the limit of ${LIMITS.maxCertificates}.`,
  );
}

/**
 * Counts the elements of SignedData.certificates by reading DER headers only (no decoding), so
 * the limit holds before asn1js's cost does. Returns 0 when the layout is not the expected one:
 * the full decode then reports the problem.
 */
function countCertificates(bytes: Uint8Array): number {
  const root = readElement(bytes, 0, bytes.byteLength);
  const wrapper = root ? childElements(bytes, root, 2)[1] : undefined;
  const signedData = wrapper ? childElements(bytes, wrapper, 1)[0] : undefined;
  const certificateSet = signedData
    ? childElements(bytes, signedData, 6)
        .slice(3)
        .find((field) => field.tag === 0xa0)
    : undefined;
  return certificateSet ? childElements(bytes, certificateSet).length : 0;
}
