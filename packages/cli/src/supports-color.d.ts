// supports-color 8 (the version oclif uses, so both decide alike) ships no types.
declare module 'supports-color' {
  const supportsColor: { stdout: unknown; stderr: unknown };
  export default supportsColor;
}
