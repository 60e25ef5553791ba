// Flat config: typescript-eslint's type-checked rules, plus the layering of docs/ARCHITECTURE.md,
// which eslint.layers.mjs holds as one table (each folder: which folders it may import, and
// whether it may import vscode) and checks on every file of src/ and webview-ui/.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', '.sandbox/**', 'test/code-server/**', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts', 'webview-ui/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': 'error' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // mocha's `this.skip()`/`this.timeout()` need function expressions; chai-less asserts are fine.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
