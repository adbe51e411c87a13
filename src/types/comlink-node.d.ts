// comlink ships its Node adapter as an .mjs without a matching .d.mts; its types are beside it.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import nodeEndpoint from 'comlink/dist/esm/node-adapter';
  export default nodeEndpoint;
}
