/**
 * The packages of fixtures/packages by verdict, relative to the repository root (see
 * fixtures/README.md): three valid nuget.org packages, then the two invalid ones in the order a
 * `fixtures/packages/*.nupkg` glob lists them.
 */
export const FIXTURE_VALID: readonly string[] = [
  'fixtures/packages/k4os.hash.xxhash.1.0.6.nupkg',
  'fixtures/packages/messagepack.annotations.2.5.192.nupkg',
  'fixtures/packages/system.buffers.4.5.1.nupkg',
];
/** A signature entry stored deflated: NU3005. */
export const FIXTURE_NU3005 =
  'fixtures/packages/testsigned.leaf-1.1.0.0__2017-12-11-deflated-signature.nupkg';
/** Not signed: NU3004. */
export const FIXTURE_NU3004 = 'fixtures/packages/testunsigned.1.0.0.nupkg';
