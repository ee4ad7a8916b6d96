import {
  describeObjects,
  isTargetObject,
  parseObjectListing,
} from '../../../../src/sign/pkcs11/token-objects.js';

/** pkcs11-tool --list-objects output as OpenSC 0.23 prints it for SoftHSM2. */
const LISTING = `Certificate Object; type = X.509 cert
  label:      signing key
  subject:    DN: CN=Token Code Signing
  serial:     5A
  ID:         01
Private Key Object; RSA
  label:      signing key
  ID:         01
  Usage:      decrypt, sign, unwrap
  Access:     sensitive, always sensitive, never extractable, local
Certificate Object; type = X.509 cert
  label:      intermediate
  ID:         0A0B
Certificate Object; type = X.509 cert
  label:      no id
Public Key Object; RSA 2048 bits
  label:      signing key
  ID:         01
`;

const target = { module: '/m.so', pin: 'x' };

describe('pkcs11-tool object listings', () => {
  it('reads the id and label of each block of the asked type only, ids in lowercase', () => {
    expect(parseObjectListing(LISTING, 'Certificate Object')).toEqual([
      { id: '01', label: 'signing key' },
      { id: '0a0b', label: 'intermediate' },
      { label: 'no id' },
    ]);
    expect(parseObjectListing(LISTING, 'Private Key Object')).toEqual([
      { id: '01', label: 'signing key' },
    ]);
  });

  it('ignores attribute lines that are not hex ids and lines before any heading', () => {
    const hostile = '  ID:         01\nCertificate Object;\n  ID:  zz; rm -rf /\n  label:\t\n';
    expect(parseObjectListing(hostile, 'Certificate Object')).toEqual([{ label: '' }]);
  });

  it('matches a key by id case-insensitively, or by exact label', () => {
    expect(isTargetObject({ id: '0a0b' }, { ...target, keyId: '0A0B' })).toBe(true);
    expect(isTargetObject({ id: '01', label: 'a' }, { ...target, keyLabel: 'a' })).toBe(true);
    expect(isTargetObject({ id: '01', label: 'a' }, { ...target, keyLabel: 'A' })).toBe(false);
  });

  it('lists at most ten objects, sorted by id, labels cut at 64 characters', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      id: (11 - i).toString(16).padStart(2, '0'),
      label: 'x'.repeat(100),
    }));
    const text = describeObjects(many);
    expect(text.startsWith(`id 00 '${'x'.repeat(64)}', id 01`)).toBe(true);
    expect(text.endsWith(', and 2 more')).toBe(true);
    expect(describeObjects([])).toBe('none');
  });
});
