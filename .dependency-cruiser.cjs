/** Dependencies point inward: apps -> libs; domain and contracts stay free of frameworks and I/O. */
const frameworks = '^(@nestjs|typeorm|kafkajs|pg|pino|express|fastify|@apollo|graphql)(/|$)';
module.exports = {
  forbidden: [
    {
      name: 'domain-and-contracts-are-pure',
      comment: 'libs/domain and libs/contracts import nothing of Nest, TypeORM, kafkajs, pg or any app.',
      severity: 'error',
      from: { path: '^libs/(domain|contracts)/' },
      to: {
        path: [
          frameworks,
          '^node_modules/(@nestjs|typeorm|kafkajs|pg|pino|express|fastify|@apollo|graphql)/',
          '^apps/',
        ],
      },
    },
    {
      name: 'domain-depends-only-on-contracts',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^libs/(?!domain/|contracts/)' },
    },
    {
      name: 'contracts-depend-on-no-lib',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/(?!contracts/)' },
    },
    {
      name: 'libs-never-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-are-independent',
      comment: 'An app never imports another app; shared code lives in libs.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'production-code-never-imports-testing',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['\\.(spec|int-spec|e2e-spec)\\.ts$', '^libs/testing/'] },
      to: { path: '^libs/testing/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
