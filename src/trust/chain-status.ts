/**
 * The subset of .NET's X509ChainStatusFlags that NuGet's verdicts depend on (nuget-signing-spec.md
 * §6.4), spelled as .NET spells them so messages and tests read like NuGet's.
 */
export type ChainStatus =
  | 'UntrustedRoot'
  | 'PartialChain'
  | 'NotSignatureValid'
  | 'NotTimeValid'
  | 'NotValidForUsage'
  | 'InvalidBasicConstraints'
  | 'Cyclic'
  | 'HasNotSupportedCriticalExtension';

/** Flag order used when listing statuses, so output is stable regardless of discovery order. */
export const CHAIN_STATUS_ORDER: readonly ChainStatus[] = [
  'NotTimeValid',
  'NotSignatureValid',
  'UntrustedRoot',
  'NotValidForUsage',
  'Cyclic',
  'InvalidBasicConstraints',
  'HasNotSupportedCriticalExtension',
  'PartialChain',
];

/**
 * Statuses that never make NuGet treat the chain as a building failure on their own: the client
 * reports them through the allow-untrusted / expiry switches instead (§6.4). Everything else is
 * NU3012/NU3018 and fatal even in accept mode.
 */
export const NON_FATAL_CHAIN_STATUSES: ReadonlySet<ChainStatus> = new Set<ChainStatus>([
  'NotTimeValid',
  'UntrustedRoot',
]);

export function sortStatuses(statuses: Iterable<ChainStatus>): ChainStatus[] {
  const set = new Set(statuses);
  return CHAIN_STATUS_ORDER.filter((status) => set.has(status));
}
