import { BoundedCache } from '../../src/bounded-cache.js';

describe('BoundedCache', () => {
  it('returns what was stored, and computes a missing value once', () => {
    const subject = new BoundedCache<string, number>(10, 1000);
    let made = 0;
    const make = () => ++made;
    expect(subject.getOrAdd('a', make, () => 1)).toBe(1);
    expect(subject.getOrAdd('a', make, () => 1)).toBe(1);
    expect(made).toBe(1);
    expect(subject.get('b')).toBeUndefined();
  });

  it('forgets the least recently used entry beyond its entry limit', () => {
    const subject = new BoundedCache<string, string>(2, 1000);
    subject.set('a', 'A', 1);
    subject.set('b', 'B', 1);
    subject.get('a');
    subject.set('c', 'C', 1);
    expect([subject.get('a'), subject.get('b'), subject.get('c')]).toEqual(['A', undefined, 'C']);
    expect(subject.size).toBe(2);
  });

  it('forgets entries beyond its byte budget and never holds a value larger than it', () => {
    const subject = new BoundedCache<number, string>(1000, 100);
    for (let i = 0; i < 50; i++) subject.set(i, `value ${i}`, 30);
    expect(subject.size).toBe(3);
    expect(subject.bytes).toBe(90);
    subject.set(99, 'huge', 101);
    expect(subject.get(99)).toBeUndefined();
    expect(subject.bytes).toBeLessThanOrEqual(100);
  });

  it('stays within both bounds whatever a stream of fresh keys costs', () => {
    const subject = new BoundedCache<number, number>(64, 4096);
    for (let i = 0; i < 10_000; i++) subject.set(i, i, (i * 7919) % 200);
    expect(subject.size).toBeLessThanOrEqual(64);
    expect(subject.bytes).toBeLessThanOrEqual(4096);
  });

  it('replaces a value stored again under the same key without counting it twice', () => {
    const subject = new BoundedCache<string, number>(10, 100);
    subject.set('a', 1, 40);
    subject.set('a', 2, 50);
    expect(subject.get('a')).toBe(2);
    expect(subject.bytes).toBe(50);
    subject.clear();
    expect([subject.size, subject.bytes]).toEqual([0, 0]);
  });
});
