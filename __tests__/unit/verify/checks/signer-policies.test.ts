import { parseNuGetConfig } from '../../../../src/policy/nuget-config.js';
import { getPreset, withOverrides } from '../../../../src/policy/presets.js';
import { checkSignerPolicies } from '../../../../src/verify/checks/signer-policies.js';
import {
  author,
  facts,
  FP,
  NOW,
  policyFrom,
  SEED_POLICY_YAML,
} from '../../../helpers/signer-policy-fixtures.js';

const trustedSigners = (fingerprint: string) =>
  parseNuGetConfig(
    `<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <trustedSigners>
    <author name="contoso">
      <certificate fingerprint="${fingerprint}" hashAlgorithm="SHA256" allowUntrustedRoot="false" />
    </author>
  </trustedSigners>
</configuration>`,
    'nuget.config',
  );

const context = (allowUntrusted = false) => ({
  policy: withOverrides(getPreset('verify'), { allowUntrusted }),
  now: NOW,
});

const levels = (result: ReturnType<typeof checkSignerPolicies>) =>
  result.issues.map((i) => [i.code, i.level]);

describe('#checkSignerPolicies', () => {
  it('with no list declared, accepts with no issue and no rule', () => {
    expect(checkSignerPolicies(facts('P', author(FP.contoso)), {}, context())).toEqual({
      accepted: true,
      issues: [],
    });
  });

  it('with the signer among the nuget.config trusted signers, accepts', () => {
    const result = checkSignerPolicies(
      facts('P', author(FP.contoso)),
      { nugetConfig: trustedSigners(FP.contoso) },
      context(),
    );
    expect(result).toEqual({ accepted: true, issues: [] });
  });

  it('with the signer not among the trusted signers, rejects with NU3034', () => {
    const result = checkSignerPolicies(
      facts('P', author(FP.unregistered)),
      { nugetConfig: trustedSigners(FP.contoso) },
      context(),
    );
    expect(result.accepted).toBe(false);
    expect(levels(result)).toEqual([['NU3034', 'error']]);
  });

  it('with untrusted signers allowed, keeps NU3034 as a warning and accepts', () => {
    const result = checkSignerPolicies(
      facts('P', author(FP.unregistered)),
      { nugetConfig: trustedSigners(FP.contoso) },
      context(true),
    );
    expect(result.accepted).toBe(true);
    expect(levels(result)).toEqual([['NU3034', 'warning']]);
  });

  it('with a repository list and no repository signature, rejects with NU3034 naming the list', () => {
    const result = checkSignerPolicies(
      facts('P', author(FP.contoso)),
      {
        repositoryCertificates: {
          allRepositorySigned: true,
          certificates: [{ fingerprints: { sha256: FP.fabrikam }, contentUrl: 'https://x.test/c' }],
          source: 'repository.json',
        },
      },
      context(),
    );
    expect(result.accepted).toBe(false);
    expect(levels(result)).toEqual([['NU3034', 'error']]);
    expect(result.issues[0]?.message).toContain(
      'P: it has no repository signature in repository.json',
    );
  });

  it('with a signer policy, returns its rule and decision', () => {
    const result = checkSignerPolicies(
      facts('Any.Both', author(FP.contoso)),
      { signerPolicy: policyFrom(SEED_POLICY_YAML) },
      context(),
    );
    expect(result.accepted).toBe(true);
    expect(result.rule).toBe(
      'signed by AAAA…AAAA, registered to contoso, required signer: any owner',
    );
  });

  it('rejects when the signer policy refuses, although nuget.config trusts the signer', () => {
    const result = checkSignerPolicies(
      facts('Req.Fabrikam', author(FP.contoso)),
      { nugetConfig: trustedSigners(FP.contoso), signerPolicy: policyFrom(SEED_POLICY_YAML) },
      context(),
    );
    expect(result.accepted).toBe(false);
    expect(result.issues.some((i) => i.level === 'error')).toBe(true);
  });

  it('rejects when nuget.config refuses, although the signer policy accepts', () => {
    const result = checkSignerPolicies(
      facts('Any.Both', author(FP.fabrikam)),
      { nugetConfig: trustedSigners(FP.contoso), signerPolicy: policyFrom(SEED_POLICY_YAML) },
      context(),
    );
    expect(result.accepted).toBe(false);
    expect(levels(result)).toContainEqual(['NU3034', 'error']);
  });
});
