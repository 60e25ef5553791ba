// Flat config: typescript-eslint's type-checked rules, plus the layering rules from STYLE.md.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [{ name: 'vscode', message: 'Client layers stay free of vscode: the UI depends on them, never the reverse.' }],
};

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
    files: ['src/core/**/*.ts', 'src/kafka/**/*.ts', 'src/docker/**/*.ts', 'src/localKafka/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noVscode] },
  },
  {
    // Services never reach up into the UI layers.
    files: ['src/connections/**/*.ts', 'src/core/**/*.ts', 'src/kafka/**/*.ts', 'src/docker/**/*.ts', 'src/localKafka/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/explorer/**', '**/commands/**', '**/webview/**'], message: 'Services must not import UI code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/kafka/**/*.ts', 'src/docker/**/*.ts', 'src/localKafka/**/*.ts', 'src/produce/**/*.ts', 'src/tail/**/*.ts', 'src/conversations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noVscode,
          patterns: [
            { group: ['**/explorer/**', '**/commands/**', '**/webview/**', '**/connections/**'], message: 'Client layers must not import services or UI code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // mocha's `this.skip()`/`this.timeout()` need function expressions; chai-less asserts are fine.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
);
