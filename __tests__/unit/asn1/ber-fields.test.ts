import {
  child,
  children,
  decodeRequired,
  explicit,
  integer,
  octets,
  oid,
} from '../../../src/asn1/ber-fields.js';
import { StructureError } from '../../../src/asn1/decode.js';

const bytes = (...octets: number[]) => Uint8Array.from(octets);

describe('PKCS#12 field accessors', () => {
  describe('when a constructed OCTET STRING is BER-encoded with an indefinite length', () => {
    it('joins its segments', () => {
      // [0] constructed, indefinite: OCTET STRING "ab" + OCTET STRING "c".
      const ber = bytes(
        0x30,
        0x80,
        0x24,
        0x80,
        0x04,
        0x02,
        0x61,
        0x62,
        0x04,
        0x01,
        0x63,
        0x00,
        0x00,
        0x00,
        0x00,
      );
      const root = decodeRequired(ber, 'the PFX');
      expect(Buffer.from(octets(child(root, 0, 'root'), 'data')).toString()).toBe('abc');
    });
  });

  describe('when fields have the expected types', () => {
    it('reads them', () => {
      // SEQUENCE { INTEGER 3, OID 1.2.3, [0] { INTEGER 7 } }
      const der = bytes(
        0x30,
        0x0c,
        0x02,
        0x01,
        0x03,
        0x06,
        0x02,
        0x2a,
        0x03,
        0xa0,
        0x03,
        0x02,
        0x01,
        0x07,
      );
      const root = decodeRequired(der, 'the PFX');
      expect(children(root, 'root')).toHaveLength(3);
      expect(integer(child(root, 0, 'root'), 'version')).toBe(3);
      expect(oid(child(root, 1, 'root'), 'type')).toBe('1.2.3');
      expect(integer(explicit(child(root, 2, 'root'), 0, 'content'), 'inner')).toBe(7);
    });
  });

  describe('when a field is missing or of the wrong type', () => {
    it('throws StructureError naming the field, never its bytes', () => {
      const root = decodeRequired(bytes(0x30, 0x03, 0x02, 0x01, 0x03), 'the PFX');
      expect(() => child(root, 1, 'PFX')).toThrow(new StructureError('PFX has no element 1'));
      expect(() => oid(child(root, 0, 'PFX'), 'authSafe type')).toThrow(
        'authSafe type is not an object identifier',
      );
      expect(() => octets(child(root, 0, 'PFX'), 'salt')).toThrow('salt is not an OCTET STRING');
      expect(() => explicit(child(root, 0, 'PFX'), 0, 'content')).toThrow(
        'content is not tagged [0]',
      );
      expect(() => decodeRequired(bytes(0x30, 0x09), 'the PFX')).toThrow(
        'the PFX is not valid ASN.1',
      );
    });
  });
});
