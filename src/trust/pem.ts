/**
 * Extracts the DER of every `-----BEGIN CERTIFICATE-----` block (and the legacy
 * `X509 CERTIFICATE` label) in PEM text. Text outside the blocks — comments, other PEM types — is
 * ignored, as OpenSSL's bundle loader does. OpenSSL `TRUSTED CERTIFICATE` blocks carry trust
 * metadata after the DER and are not read.
 */
const PEM_BLOCK = /-----BEGIN ((?:X509 )?CERTIFICATE)-----([\s\S]*?)-----END \1-----/g;

export function loadPemCertificates(text: string): Uint8Array[] {
  const certificates: Uint8Array[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = (match[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length === 0) {
      throw new Error(`certificate block ${certificates.length + 1} is not valid base64`);
    }
    certificates.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  return certificates;
}
