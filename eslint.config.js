// Lint rules: typescript-eslint's recommended set, plus the house habits that a linter can see.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.tmp/**', 'dist/**'] },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='only']", message: 'no focused tests' }],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      // The domain reads no wall clock: a Clock is passed in (see DESIGN.md).
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain code takes time from the injected Clock' },
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'domain code takes time from the injected Clock' },
        { selector: "MemberExpression[object.name='process']", message: 'domain code does not read process state' },
      ],
    },
  },
);
