// Two bundles: the extension (Node, `vscode` external) and the tail webview (browser).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// zstd-codec ships an asm.js copy (1 MB) for runtimes without WebAssembly; VS Code's Node always
// has WebAssembly, so the bundle gets a stub in its place.
const dropAsmJsZstd = {
  name: 'drop-asmjs-zstd',
  setup(build) {
    build.onResolve({ filter: /zstd-codec-binding\.js$/ }, () => ({ path: 'zstd-asmjs-stub', namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents: "module.exports = () => { throw new Error('zstd needs WebAssembly, which this runtime lacks'); };",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'info',
};

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    plugins: [dropAsmJsZstd],
  }),
  esbuild.context({
    ...common,
    entryPoints: ['webview-ui/tail/main.ts'],
    outfile: 'dist/webview/tail.js',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  }),
]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
}
