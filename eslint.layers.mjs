// The layering of docs/ARCHITECTURE.md as one table, checked by the `layers/imports` rule below.
// Each layer lists the layers it may import; a layer may always import itself. `vscode` only
// where `vscode: true`. An import is placed in a layer by the file it resolves to, so a broker's
// own `tail/` folder is not mistaken for the tail feature.
import * as path from 'node:path';

/** Layer name -> path prefix (relative to the repository root). Longest prefix wins. */
export const LAYERS = {
  core: 'src/core/',
  'brokers/registry': 'src/brokers/registry.ts',
  produce: 'src/produce/',
  tail: 'src/tail/',
  conversations: 'src/conversations/',
  docker: 'src/docker/',
  connections: 'src/connections/',
  local: 'src/local/',
  explorer: 'src/explorer/',
  webview: 'src/webview/',
  'webview/protocol': 'src/webview/protocol.ts',
  commands: 'src/commands/',
  extension: 'src/extension.ts',
  'webview-ui': 'webview-ui/',
};

/** What each layer may import (besides itself), and whether it may import `vscode`. */
export const RULES = {
  core: { imports: [] },
  // Every broker kind's folder (src/brokers/<kind>/) is a layer of its own: core only, no other kind.
  'brokers/*': { imports: ['core'] },
  'brokers/registry': { imports: ['core', 'brokers/*'] },
  produce: { imports: ['core'] },
  tail: { imports: ['core'] },
  conversations: { imports: ['core', 'produce'] },
  docker: { imports: ['core'] },
  connections: { imports: ['core'], vscode: true },
  // The Local Kafka service gets its runtime from the wiring; it may name the runtime's type only.
  local: { imports: ['core', 'connections', 'docker'], typeImports: ['brokers/registry'], vscode: true },
  explorer: { imports: ['core', 'connections'], vscode: true },
  webview: { imports: ['core', 'connections', 'tail', 'conversations', 'webview/protocol'], vscode: true },
  'webview/protocol': { imports: ['core', 'tail', 'conversations'] },
  commands: {
    imports: ['core', 'connections', 'conversations', 'docker', 'explorer', 'local', 'produce', 'tail', 'webview', 'webview/protocol'],
    vscode: true,
  },
  extension: { imports: Object.keys(LAYERS), vscode: true },
  // The browser side of the panels: no Node, no vscode; shared types and pure helpers only.
  'webview-ui': { imports: ['core', 'tail', 'webview/protocol'], node: false },
};

const ROOT = path.dirname(new URL(import.meta.url).pathname);

function layerOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const kind = /^src\/brokers\/([^/]+)\//.exec(`${rel}/`);
  if (kind && kind[1] !== 'registry.ts') {
    return `brokers/${kind[1]}`;
  }
  let best;
  for (const [name, prefix] of Object.entries(LAYERS)) {
    const matches = prefix.endsWith('/') ? `${rel}/`.startsWith(prefix) : rel === prefix || rel === prefix.replace(/\.ts$/, '');
    if (matches && (!best || prefix.length > LAYERS[best].length)) {
      best = name;
    }
  }
  return best;
}

const importsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layering table in eslint.layers.mjs (docs/ARCHITECTURE.md).' },
    schema: [],
  },
  create(context) {
    const from = layerOf(context.filename);
    const rule = from && (RULES[from] ?? (from.startsWith('brokers/') ? RULES['brokers/*'] : undefined));
    if (!rule) {
      return {};
    }
    const check = (node, source, typeOnly) => {
      const spec = source.value;
      if (typeof spec !== 'string') {
        return;
      }
      if (spec === 'vscode') {
        if (!rule.vscode && !typeOnly) {
          context.report({ node, message: `${from} stays free of vscode: the UI depends on it, never the reverse.` });
        }
        return;
      }
      if (rule.node === false && (spec.startsWith('node:') || spec === 'buffer' || spec === 'fs' || spec === 'path')) {
        context.report({ node, message: `${from} runs in the browser: no Node modules ("${spec}").` });
        return;
      }
      if (!spec.startsWith('.')) {
        return;
      }
      const target = layerOf(path.resolve(path.dirname(context.filename), spec));
      if (!target || target === from) {
        return;
      }
      const generic = target.startsWith('brokers/') && target !== 'brokers/registry' ? 'brokers/*' : target;
      const allowed = rule.imports.includes(generic) || (typeOnly && (rule.typeImports ?? []).includes(target));
      if (!allowed) {
        context.report({ node, message: `${from} may not import ${target} ("${spec}"): see the layering table in eslint.layers.mjs.` });
      }
    };
    const typeOnlyDeclaration = (node) =>
      node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source, typeOnlyDeclaration(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source, typeOnlyDeclaration(node)),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source, false),
    };
  },
};

export const layersPlugin = { rules: { imports: importsRule } };
