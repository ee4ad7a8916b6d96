import { isHttpUrl } from '../http/url.js';
import type { CertificateView } from '../signature/certificate.js';
import {
  childrenOf,
  decodeDer,
  isContextTag,
  primitiveContent,
  readOid,
  type DerNode,
} from '../asn1/decode.js';

export const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
export const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const ID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
/** GeneralName uniformResourceIdentifier [6] IA5String (RFC 5280 §4.2.1.6). */
const URI_TAG = 6;
const MAX_URLS = 4;

/** Where a certificate says its revocation status is published (RFC 5280 §4.2.2.1, §4.2.1.13). */
export interface RevocationLocations {
  /** OCSP responder URLs from the authority information access extension. */
  readonly ocsp: readonly string[];
  /** Full-name URLs of the CRL distribution points. */
  readonly crl: readonly string[];
}

/**
 * Reads the OCSP responders and CRL distribution points of a certificate. Only http and https
 * URLs are kept (LDAP and file URLs are ignored, as a firewall-friendly client would), at most a
 * few of each; a malformed extension yields no URL rather than an error.
 */
export function revocationLocations(certificate: CertificateView): RevocationLocations {
  const extension = (oid: string) => certificate.extensions.find((e) => e.oid === oid)?.value;
  const aia = extension(AUTHORITY_INFO_ACCESS);
  const dps = extension(CRL_DISTRIBUTION_POINTS);
  return {
    ocsp: aia ? safely(() => ocspUrls(aia)) : [],
    crl: dps ? safely(() => crlUrls(dps)) : [],
  };
}

/** AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription { accessMethod, accessLocation }. */
function ocspUrls(value: Uint8Array): string[] {
  const urls: string[] = [];
  for (const description of childrenOf(decodeDer(value, 'authority information access'))) {
    const [method, location] = childrenOf(description);
    if (
      readOid(method, 'accessMethod') === ID_AD_OCSP &&
      location &&
      isContextTag(location, URI_TAG)
    ) {
      urls.push(uriText(location));
    }
  }
  return keepHttp(urls);
}

/**
 * CRLDistributionPoints ::= SEQUENCE OF DistributionPoint { distributionPoint [0]
 * DistributionPointName OPTIONAL, ... }; DistributionPointName ::= CHOICE { fullName [0]
 * GeneralNames, nameRelativeToCRLIssuer [1] }. Points naming a separate cRLIssuer [2] are skipped:
 * indirect CRLs are not supported.
 */
function crlUrls(value: Uint8Array): string[] {
  const urls: string[] = [];
  for (const point of childrenOf(decodeDer(value, 'CRL distribution points'))) {
    const fields = childrenOf(point);
    if (fields.some((f) => isContextTag(f, 2))) continue;
    const name = fields.find((f) => isContextTag(f, 0));
    const fullName = name ? childrenOf(name).find((f) => isContextTag(f, 0)) : undefined;
    for (const general of fullName ? childrenOf(fullName) : []) {
      if (isContextTag(general, URI_TAG)) urls.push(uriText(general));
    }
  }
  return keepHttp(urls);
}

/** [6] IMPLICIT IA5String: primitive ASCII content. */
function uriText(block: DerNode): string {
  return Buffer.from(primitiveContent(block)).toString('latin1');
}

function keepHttp(urls: string[]): string[] {
  const kept = urls.filter((url) => isHttpUrl(url));
  return [...new Set(kept)].slice(0, MAX_URLS);
}

function safely(read: () => string[]): string[] {
  try {
    return read();
  } catch {
    return [];
  }
}
