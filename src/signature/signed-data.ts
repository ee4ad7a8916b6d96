import { NupkgSigningError, describeError } from '../errors.js';
import { decodedAttributeValue } from './attributes.js';
import { certificateFromBlock, type CertificateView } from './certificate.js';
import {
  StructureError,
  childrenOf,
  decodeDer,
  isContextTag,
  isUniversal,
  readOctetString,
  readOid,
  readSmallInteger,
  type DerNode,
} from '../asn1/decode.js';
import { TAG } from '../asn1/tags.js';
import { childElements, readElement } from '../asn1/der-reader.js';
import { OID } from '../asn1/oids.js';
import { LIMITS } from '../limits.js';

/**
 * A CMS ContentInfo holding SignedData (RFC 5652 §3, §5.1), shared by the package signature and
 * RFC 3161 timestamp tokens. SignerInfos are left as decoded elements so each caller can apply
 * its own cardinality rule (NU3009 for a package signature, NU3021 for a timestamp).
 */
export interface SignedDataParts {
  readonly der: Uint8Array;
  readonly contentType: string;
  readonly eContentType: string;
  /** eContent octets, undefined when the content is detached. */
  readonly eContent: Uint8Array | undefined;
  /** X.509 certificates of `certificates`, in encoding order (other choices are skipped, as .NET does). */
  readonly certificates: CertificateView[];
  readonly signerInfoBlocks: readonly DerNode[];
}

/** Decodes `bytes` as ContentInfo/SignedData. Anything malformed is NU3003. */
export function readSignedData(bytes: Uint8Array, what: string): SignedDataParts {
  // Checked before decoding, so the limit holds before any decoding cost does.
  const certificateCount = countCertificates(bytes);
  if (certificateCount > LIMITS.maxCertificates) throw tooManyCertificates(certificateCount);
  // A timestamp token inside a signature was decoded with it (see decodedAttributeValue).
  const root = decodedAttributeValue(bytes) ?? decodeDer(bytes, what);
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

function readParts(root: DerNode, bytes: Uint8Array): SignedDataParts {
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
  const [signedDataBlock, extraContent] =
    isContextTag(wrapper, 0) && wrapper ? childrenOf(wrapper) : [];
  if (!signedDataBlock || !isUniversal(signedDataBlock, TAG.sequence)) {
    throw new StructureError('the SignedData content is missing');
  }
  if (extraContent) throw new StructureError('the ContentInfo content holds more than one element');

  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
  //   certificates [0] IMPLICIT OPTIONAL, crls [1] IMPLICIT OPTIONAL, signerInfos SET }
  // Read in order, each optional field at most once and nothing after signerInfos, as .NET's
  // generated SignedDataAsn decoder does: a swapped, repeated or missing field is NU3003.
  const fields = [...childrenOf(signedDataBlock)];
  const next = () => fields.shift();
  readSmallInteger(next(), 'SignedData version');
  const digestAlgorithms = next();
  if (!isUniversal(digestAlgorithms, TAG.set) || !digestAlgorithms)
    throw new StructureError('SignedData digestAlgorithms is not a SET');
  childrenOf(digestAlgorithms).forEach((algorithm) => readAlgorithmIdentifier(algorithm));
  const { eContentType, eContent } = readEncapsulatedContentInfo(next());
  const certificateSet = isContextTag(fields[0], 0) ? next() : undefined;
  const revocationSet = isContextTag(fields[0], 1) ? next() : undefined;
  const signerInfos = next();
  if (!isUniversal(signerInfos, TAG.set) || !signerInfos)
    throw new StructureError('SignedData signerInfos is missing or not a SET');
  if (fields.length > 0) throw new StructureError('SignedData has fields after signerInfos');

  const choices = certificateSet ? childrenOf(certificateSet) : [];
  if (choices.length > LIMITS.maxCertificates) throw tooManyCertificates(choices.length);
  choices.forEach(checkCertificateChoice);
  if (revocationSet) childrenOf(revocationSet).forEach(checkRevocationInfoChoice);
  const certificates = choices
    .filter((choice) => isUniversal(choice, TAG.sequence))
    .map(certificateFromBlock);

  return {
    der: Uint8Array.from(bytes),
    contentType,
    eContentType,
    eContent,
    certificates,
    signerInfoBlocks: childrenOf(signerInfos),
  };
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
function readAlgorithmIdentifier(block: DerNode | undefined): string {
  const [oid, , extra] = block && isUniversal(block, TAG.sequence) ? childrenOf(block) : [];
  if (extra) throw new StructureError('an AlgorithmIdentifier has elements after its parameters');
  return readOid(oid, 'AlgorithmIdentifier algorithm');
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL }. */
function readEncapsulatedContentInfo(block: DerNode | undefined): {
  eContentType: string;
  eContent: Uint8Array | undefined;
} {
  if (!block || !isUniversal(block, TAG.sequence))
    throw new StructureError('SignedData encapContentInfo is not a SEQUENCE');
  const [typeBlock, wrapper, extra] = childrenOf(block);
  if (extra || (wrapper && !isContextTag(wrapper, 0)))
    throw new StructureError('encapContentInfo has unexpected elements');
  const eContentType = readOid(typeBlock, 'eContentType');
  if (!wrapper) return { eContentType, eContent: undefined };
  const [content, extraContent] = childrenOf(wrapper);
  if (!content || extraContent)
    throw new StructureError('eContent [0] must hold exactly one element');
  return { eContentType, eContent: readOctetString(content, 'eContent') };
}

/**
 * CertificateChoices (RFC 5652 §10.2.2): a Certificate (SEQUENCE) or one of the context tags
 * [0] to [3]. .NET's decoder refuses any other tag; only Certificates are used.
 */
function checkCertificateChoice(choice: DerNode): void {
  if (isUniversal(choice, TAG.sequence)) return;
  if ([0, 1, 2, 3].some((tag) => isContextTag(choice, tag))) return;
  throw new StructureError('the certificate set holds an element that is not a CertificateChoice');
}

/** RevocationInfoChoice (RFC 5652 §10.2.1): a CertificateList (SEQUENCE) or other [1]. */
function checkRevocationInfoChoice(choice: DerNode): void {
  if (isUniversal(choice, TAG.sequence) || isContextTag(choice, 1)) return;
  throw new StructureError('the crls set holds an element that is not a RevocationInfoChoice');
}

function tooManyCertificates(count: number): NupkgSigningError {
  return new NupkgSigningError(
    'NUPKG004',
    `The signature holds ${count} certificates, over the limit of ${LIMITS.maxCertificates}.`,
  );
}

/**
 * Counts the elements of SignedData.certificates by reading DER headers only (no decoding), so
 * the limit holds before the decoding cost does. Returns 0 when the layout is not the expected one:
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
