import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

import {layersRule} from './eslint-rules/layers.mjs'

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'bench/results/**', 'man/**', 'coverage/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    plugins: {cadv: {rules: {layers: layersRule}}},
    languageOptions: {ecmaVersion: 2023, sourceType: 'module'},
    rules: {
      'cadv/layers': 'error',
      // `any` needs a reason in a comment: the disable comment is where it goes.
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'}],
      'no-control-regex': 'off',
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
    },
  },
  {
    // Browser code: strings never become markup, and only Node-free modules of src/ come in.
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'srcdoc'].map((property) => ({
          property,
          message: 'text only: build elements with h() and text (web/src/dom.ts)',
        })),
        {object: 'document', property: 'write', message: 'text only: build elements with h() (web/src/dom.ts)'},
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/src/lib/(?!output/units\\.js$|util/escape\\.js$|model/(sample|stats-row)\\.js$)',
              message: 'the browser bundle takes only Node-free modules of src/lib (units, escaping, sample and row types)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
)
