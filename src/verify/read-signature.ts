// temporary
export function readPrimarySignature(_bytes: Uint8Array): {
  kind: 'author';
  countersigned: boolean;
  content: Uint8Array | undefined;
} {
  return { kind: 'author', countersigned: false, content: undefined };
}
