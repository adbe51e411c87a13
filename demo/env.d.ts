// Vite's `?raw` imports (the file's text as a string); vite/client declares the same, but the
// project's type-check does not load vite's client types.
declare module '*?raw' {
  const text: string;
  export default text;
}
