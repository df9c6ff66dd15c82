import nx from '@nx/eslint-plugin';

/**
 * Module boundaries in three dimensions (type, scope, platform). The rules that matter most:
 * apps never import apps, `contracts` imports nothing of ours, `messaging` only `contracts`.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/coverage', '**/.nx', '**/jest.config.js', '**/jest.*.config.js'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:observability', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:health', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:messaging', onlyDependOnLibsWithTags: ['scope:contracts'] },
            { sourceTag: 'scope:order-tracking', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:observability'] },
            {
              sourceTag: 'scope:processor-kit',
              onlyDependOnLibsWithTags: [
                'scope:contracts',
                'scope:config',
                'scope:health',
                'scope:messaging',
                'scope:observability',
              ],
            },
            { sourceTag: 'platform:node', onlyDependOnLibsWithTags: ['platform:node', 'platform:any'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
