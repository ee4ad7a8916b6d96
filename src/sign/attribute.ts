import { TAG } from '../asn1/tags.js';
import { children, expectTag, readObjectIdentifier, readSingle } from '../asn1/der-reader.js';
import { objectIdentifier, sequence, setOf } from '../asn1/encode.js';

/**
 * RFC 5652 §5.3 `Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }`,
 * with each value kept as its DER bytes.
 */
export interface Attribute {
  readonly type: string;
  readonly values: readonly Uint8Array[];
}

/** DER-encodes an attribute; its values are put in `SET OF` order. */
export function encodeAttribute(attribute: Attribute): Uint8Array {
  return sequence(objectIdentifier(attribute.type), setOf(attribute.values));
}

/** Decodes an `Attribute` element, keeping the value bytes exactly as they were. */
export function decodeAttribute(der: Uint8Array): Attribute {
  const [type, values] = children(expectTag(readSingle(der), TAG.sequence, 'Attribute').content);
  return {
    type: readObjectIdentifier(expectTag(type, TAG.objectIdentifier, 'attrType')),
    values: children(expectTag(values, TAG.set, 'attrValues').content).map((value) => value.bytes),
  };
}
