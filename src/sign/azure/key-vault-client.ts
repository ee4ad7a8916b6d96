import { NupkgSigningError } from '../../errors.js';
import { checkHttpUrl, displayUrl } from '../../http/url.js';
import { httpStatus, requestJson } from './azure-http.js';
import type { TokenSource } from './azure-credential.js';

/** The Key Vault REST API version used for every request (certificates, keys, sign). */
export const KEY_VAULT_API_VERSION = '7.4';
/** The token scope of Key Vault's data plane in Azure's public cloud. */
export const KEY_VAULT_SCOPE = 'https://vault.azure.net/.default';

/**
 * The token scope for a vault: its host without the vault's name (`contoso.vault.azure.net` →
 * `https://vault.azure.net/.default`; `….vault.usgovcloudapi.net` and `….vault.azure.cn` for
 * the national clouds, whose Entra ID issues tokens only for their own vault resource). Other
 * hosts (a local test server) get the public cloud's scope.
 */
export function keyVaultScope(vault: URL): string {
  const [, second, ...rest] = vault.hostname.split('.');
  return second === 'vault' && rest.length >= 1
    ? `https://vault.${rest.join('.')}/.default`
    : KEY_VAULT_SCOPE;
}

/** What a refused request was about, for the message that says what to fix. */
export interface KeyVaultRequestSubject {
  /** "certificate 'release-signing'" */
  readonly what: string;
  /** The permission it needs: "certificates/get". */
  readonly permission: string;
  /** RBAC role with that permission. */
  readonly role: string;
  /** What a 404 means and what to do, when not a wrong name (default: check the name). */
  readonly notFound?: string;
}

/**
 * Key Vault's data-plane REST API with one token source: GET and POST JSON with the bearer
 * token, retried on throttling (429 + Retry-After) and 5xx by src/http, the token renewed once
 * when Key Vault answers 401 (expired), and 401/403/404 turned into messages that say what to fix.
 */
export class KeyVaultClient {
  readonly vault: URL;
  readonly #tokens: TokenSource;

  constructor(vault: URL, tokens: TokenSource) {
    this.vault = vault;
    this.#tokens = tokens;
  }

  /** `{vault}{path}?api-version=…`; `path` starts with '/' and has its segments encoded. */
  url(path: string): string {
    return `${this.vault.origin}${path}?api-version=${KEY_VAULT_API_VERSION}`;
  }

  /** Whether an id from an answer (kid) points into this vault, so the token may go there. */
  owns(id: URL): boolean {
    return id.origin === this.vault.origin;
  }

  async send(
    method: 'GET' | 'POST',
    url: string,
    subject: KeyVaultRequestSubject,
    body?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const attempt = async (token: string) =>
      requestJson({
        url,
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }),
        service: 'Azure Key Vault',
        responseName: 'a Key Vault answer',
      });
    try {
      try {
        return await attempt(await this.#tokens.token());
      } catch (error) {
        // An expired token: ask Entra ID for a new one once (a given access token cannot be).
        const renewed = httpStatus(error) === 401 ? this.#tokens.renew() : undefined;
        if (renewed === undefined) throw error;
        return await attempt(await renewed);
      }
    } catch (error) {
      throw this.#explain(error, subject);
    }
  }

  #explain(error: unknown, subject: KeyVaultRequestSubject): unknown {
    const status = httpStatus(error);
    const vault = displayUrl(this.vault);
    const fail = (message: string) => new NupkgSigningError('NU3001', message, { cause: error });
    switch (status) {
      case 401:
        return fail(
          `Azure Key Vault ${vault} refused ${this.#tokens.description} (HTTP 401) for the ${subject.what}: ${
            this.#tokens.renewable
              ? "the token Entra ID issued is not accepted even when renewed: check that the identity is in the vault's tenant."
              : "the token has expired or is not for Key Vault. A token from 'az account get-access-token --resource https://vault.azure.net' lasts about an hour: get it in the step before signing."
          }`,
        );
      case 403:
        return fail(
          `Azure Key Vault ${vault} denied ${subject.permission} on the ${subject.what} to ${this.#tokens.description} (HTTP 403): grant the identity the '${subject.role}' role on the vault (Azure RBAC), or the ${subject.permission} permission in the vault's access policy, and check the vault's network rules admit the runner.`,
        );
      case 404:
        return fail(
          `Azure Key Vault ${vault} has no ${subject.what} (HTTP 404): ${subject.notFound ?? "check the name and version ('az keyvault certificate list --vault-name NAME')."}`,
        );
      default:
        return error;
    }
  }
}

/** An https vault URL without path or query (plain http only for loopback tests). */
export function checkVaultUrl(text: string): URL {
  const url = checkHttpUrl(text.trim(), 'The Key Vault URL', { httpsUnlessLoopback: true });
  if (url.pathname !== '/' || url.search !== '') {
    throw new NupkgSigningError(
      'NUPKG003',
      `The Key Vault URL ${displayUrl(url)} must be the vault itself (https://NAME.vault.azure.net), without a path.`,
    );
  }
  return url;
}
