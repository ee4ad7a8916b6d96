/**
 * @peculiar/x509 pulls in tsyringe, which refuses to load without a Reflect metadata API, and
 * reflect-metadata is not a dependency. Its container only stores and reads back decorator
 * metadata, so a per-object map is enough. Import this module before `@peculiar/x509`.
 */
type MetadataTarget = object;
const store = new WeakMap<MetadataTarget, Map<unknown, unknown>>();
const reflect = Reflect as unknown as Record<string, unknown>;

if (typeof reflect['getMetadata'] !== 'function') {
  const own = (key: unknown, target: MetadataTarget) => store.get(target)?.get(key);
  reflect['defineMetadata'] = (key: unknown, value: unknown, target: MetadataTarget) => {
    const map = store.get(target) ?? new Map<unknown, unknown>();
    map.set(key, value);
    store.set(target, map);
  };
  reflect['getOwnMetadata'] = own;
  reflect['getMetadata'] = (key: unknown, target: MetadataTarget) => {
    for (
      let t: MetadataTarget | null = target;
      t;
      t = Object.getPrototypeOf(t) as MetadataTarget | null
    ) {
      const value = own(key, t);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  reflect['metadata'] = (key: unknown, value: unknown) => (target: MetadataTarget) =>
    (reflect['defineMetadata'] as (k: unknown, v: unknown, t: MetadataTarget) => void)(
      key,
      value,
      target,
    );
}

export {};
