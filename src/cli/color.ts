/**
 * Whether text output gets ANSI colours: never with NO_COLOR set to anything but the empty string
 * (no-color.org), always with FORCE_COLOR set to anything but `0` or `false` (a CI log that
 * renders colours), else only on a terminal.
 */
export function useColor(env: NodeJS.ProcessEnv, isTerminal: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTerminal;
}
