// Lint rules, and above all the layer boundaries of docs/architecture.md:
// core is pure, the renderer sees only shared types, only the Electron entry imports electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const restrict = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { paths: [...nodeBuiltins, ...paths], patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrict(
      [
        { group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/shared/**'], message: 'core/ is pure: it imports only core/.' },
        { group: ['electron', 'react', 'react-dom'], message: 'core/ is pure: no Electron or DOM frameworks.' },
      ],
    ),
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict([
      { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'shared/ holds contracts only.' },
      { group: ['electron', 'react', 'react-dom'], message: 'shared/ holds contracts only.' },
    ]),
  },
  {
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'],
    languageOptions: { globals: globals.browser },
    rules: restrict([
      { group: ['**/main/**', '**/preload/**'], message: 'The renderer sees only the preload API (types in shared/).' },
      { group: ['electron'], message: 'The renderer never imports electron.' },
    ]),
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/main/**', '**/renderer/**'], message: 'The preload bridges to shared/ contracts only.' },
      ] }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron'], message: 'Only src/main/electron/ may import electron; inject its APIs elsewhere (tests load main/ without Electron).' },
        { group: ['**/renderer/**', 'react', 'react-dom'], message: 'main/ never imports the renderer.' },
      ] }],
    },
  },
  {
    files: ['tests/**/*.ts', 'scripts/**/*.mjs', 'bench/**/*.ts', 'bench/**/*.mjs', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
);
