/**
 * The few Reflect metadata functions tsyringe (a dependency of @peculiar/x509) insists on at load
 * time. Import before '@peculiar/x509'. Test-only: the product does not use @peculiar/x509, and
 * the reflect-metadata package is not a dependency.
 */
type MetadataStore = Map<unknown, unknown>;

interface ReflectWithMetadata {
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
  metadata?: (key: unknown, value: unknown) => (target: object) => void;
}

const reflect = Reflect as unknown as ReflectWithMetadata;

if (reflect.getMetadata === undefined) {
  const stores = new WeakMap<object, MetadataStore>();
  const ownStore = (target: object, create: boolean): MetadataStore | undefined => {
    let store = stores.get(target);
    if (store === undefined && create) {
      store = new Map();
      stores.set(target, store);
    }
    return store;
  };
  reflect.defineMetadata = (key, value, target) => {
    ownStore(target, true)!.set(key, value);
  };
  reflect.getOwnMetadata = (key, target) => ownStore(target, false)?.get(key);
  reflect.getMetadata = (key, target) => {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const store = ownStore(t, false);
      if (store?.has(key)) return store.get(key);
    }
    return undefined;
  };
  // The decorator form, `@Reflect.metadata(key, value)`.
  reflect.metadata = (key, value) => (target) => reflect.defineMetadata!(key, value, target);
}

export {};
