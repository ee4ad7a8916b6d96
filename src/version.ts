/** Kept in step with package.json by scripts/package.mjs (checked by a unit test). */
export const VERSION = '0.1.0';
