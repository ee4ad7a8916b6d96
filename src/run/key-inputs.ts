import { NupkgSigningError } from '../errors.js';
import { loadKeyMaterial } from '../sign/key-material/index.js';
import { LocalKeySigner } from '../sign/local-key-signer.js';
import { createAwsKmsSigner, type AwsKmsSignerOptions } from '../sign/aws-kms/aws-kms-signer.js';
import {
  createGoogleKmsSigner,
  type GoogleKmsSignerOptions,
} from '../sign/google-kms/google-kms-signer.js';
import { createKeyVaultSigner, type AzureKeyVaultTarget } from '../sign/azure/key-vault-signer.js';
import { createPkcs11Signer, type Pkcs11Target } from '../sign/pkcs11/pkcs11-signer.js';
import { createRemoteSigner } from '../sign/remote/index.js';
import type { Signer } from '../sign/signer.js';

/**
 * Where the signing key comes from, already read into memory by the front end (the CLI reads
 * files, the action also accepts base64 inputs). Secrets stay in this object and in the signer.
 */
export interface KeyInputs {
  /** PKCS#12 bytes, with `source` naming where they came from in messages. */
  readonly pfx?: Uint8Array;
  readonly password?: string;
  readonly privateKeyPem?: string;
  /** Signing certificate first, then intermediates. */
  readonly certificateChainPem?: string;
  /** One string split by the platform's rules, or the argument vector (the action's lines). */
  readonly signCommand?: string | readonly string[];
  readonly signUrl?: string;
  readonly bearerToken?: string;
  readonly keyId?: string;
  /** A key in a PKCS#11 token (docs/pkcs11.md); `certificateChainPem` adds certificates. */
  readonly pkcs11?: Pkcs11Target;
  /** A key in AWS KMS (docs/aws-kms.md); `certificateChainPem` is the certificate chain. */
  readonly awsKms?: Omit<AwsKmsSignerOptions, 'certificateChainPem'>;
  /** A key version in Google Cloud KMS (docs/google-cloud-kms.md); with `certificateChainPem`. */
  readonly googleKms?: Omit<GoogleKmsSignerOptions, 'certificateChainPem'>;
  /** A certificate in Azure Key Vault (docs/azure-key-vault.md); `certificateChainPem` adds its issuers. */
  readonly azureKeyVault?: AzureKeyVaultTarget;
  /** A name for messages: a file path or an input name, never the secret itself. */
  readonly source: string;
}

/** Builds the one signer the inputs describe: a local key or a remote one (docs/remote-signing.md). */
export async function createSigner(inputs: KeyInputs): Promise<Signer> {
  const kinds = [
    inputs.pfx && 'a PFX',
    inputs.privateKeyPem && 'a PEM private key',
    inputs.signCommand !== undefined && 'a signing command',
    inputs.signUrl && 'a signing URL',
    inputs.pkcs11 && 'a PKCS#11 token key',
    inputs.awsKms && 'an AWS KMS key',
    inputs.googleKms && 'a Google Cloud KMS key',
    inputs.azureKeyVault && 'an Azure Key Vault certificate',
  ].filter(Boolean);
  if (kinds.length !== 1) {
    throw new NupkgSigningError(
      'NUPKG003',
      `Give exactly one signing key source: a PFX, a PEM private key, a signing command, a signing URL, a PKCS#11 token key, an Azure Key Vault certificate or a cloud KMS key (got ${kinds.length === 0 ? 'none' : kinds.join(', ')}).`,
    );
  }
  if (inputs.pfx || inputs.privateKeyPem) {
    if (
      inputs.privateKeyPem &&
      !inputs.certificateChainPem &&
      !inputs.privateKeyPem.includes('CERTIFICATE')
    ) {
      throw new NupkgSigningError(
        'NUPKG003',
        "A PEM private key needs the certificate chain: give it with --certificate-chain (the action's certificate-chain input), signing certificate first.",
      );
    }
    const material = loadKeyMaterial({
      ...(inputs.pfx ? { pfx: inputs.pfx } : {}),
      ...(inputs.privateKeyPem ? { privateKeyPem: inputs.privateKeyPem } : {}),
      ...(inputs.password !== undefined ? { password: inputs.password } : {}),
      ...(inputs.certificateChainPem ? { certificateChainPem: inputs.certificateChainPem } : {}),
      source: inputs.source,
    });
    return new LocalKeySigner(material.privateKey, material.certificate, material.chain);
  }
  if (inputs.pkcs11) {
    return createPkcs11Signer({
      ...inputs.pkcs11,
      ...(inputs.certificateChainPem ? { certificateChainPem: inputs.certificateChainPem } : {}),
    });
  }
  const chainPem = inputs.certificateChainPem;
  if (inputs.awsKms) {
    return createAwsKmsSigner({
      ...inputs.awsKms,
      ...(chainPem ? { certificateChainPem: chainPem } : {}),
    });
  }
  if (inputs.googleKms) {
    return createGoogleKmsSigner({
      ...inputs.googleKms,
      ...(chainPem ? { certificateChainPem: chainPem } : {}),
    });
  }
  if (inputs.azureKeyVault) {
    return createKeyVaultSigner({
      ...inputs.azureKeyVault,
      ...(inputs.certificateChainPem ? { certificateChainPem: inputs.certificateChainPem } : {}),
    });
  }
  if (!inputs.certificateChainPem) {
    throw new NupkgSigningError(
      'NUPKG003',
      "A signing command or URL needs the certificate chain: give it with --certificate-chain (the action's certificate-chain input), signing certificate first.",
    );
  }
  return createRemoteSigner({
    ...(inputs.signCommand !== undefined ? { command: inputs.signCommand } : {}),
    ...(inputs.signUrl ? { url: inputs.signUrl } : {}),
    certificateChainPem: inputs.certificateChainPem,
    certificateChainSource: inputs.source,
    ...(inputs.keyId !== undefined ? { keyId: inputs.keyId } : {}),
    ...(inputs.bearerToken ? { bearerToken: inputs.bearerToken } : {}),
  });
}
