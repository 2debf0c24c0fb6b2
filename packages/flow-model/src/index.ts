export { FlowSchema, FlowNode, FlowEdge, FlowSettings, FLOW_SCHEMA_VERSION } from './flow-schema.ts';
export type { Flow } from './flow-schema.ts';
export { ProfileSchema, ConnectionBinding, PROFILE_SCHEMA_VERSION, PlantCode } from './profile-schema.ts';
export type { PlantProfile } from './profile-schema.ts';
export { PackManifestSchema, PACK_SCHEMA_VERSION } from './pack-schema.ts';
export type { PackManifest } from './pack-schema.ts';
export { RetryPolicy, SecretRef, isSecretRef, Semver, Slug, LocalId, SEMVER_PATTERN } from './common-schemas.ts';
export { ERROR_PORT, findNodeType, findConnectionType, nodeTypeVersions } from './catalog.ts';
export type {
  Catalog,
  CatalogNodeType,
  CatalogConnectionType,
  CatalogPort,
  CatalogError,
  DynamicPorts,
  NodeCategory,
  JsonSchema,
} from './catalog.ts';
export { parseJsonText } from './json-text.ts';
export { migrateDocument } from './migrate.ts';
export type { Migration, MigrationPlan } from './migrate.ts';
export { validateFlowStructure, loadFlow, FLOW_MIGRATIONS } from './structural.ts';
export { validateFlowPublishable } from './publishable.ts';
export type { PublishableOptions } from './publishable.ts';
export { validateProfile, loadProfile, checkProfileForFlow } from './profile.ts';
export { findInlinedSecrets, INLINED_SECRET_MESSAGE } from './secrets.ts';
export { expressionSyntaxError, codeSyntaxError } from './expressions.ts';
export { outputPorts } from './ports.ts';
export { loadPack, MANIFEST_FILE } from './pack.ts';
export {
  FlowTestsSchema,
  FLOW_TESTS_SCHEMA_VERSION,
  TestCase,
  TestMock,
  TestExpect,
  TestRequestMatcher,
  TestResponse,
} from './flow-tests-schema.ts';
export type { FlowTests, FlowTestCase, FlowTestMock, FlowTestExpect } from './flow-tests-schema.ts';
export { loadFlowTests, flowTestsFileOf } from './flow-tests.ts';
export type { LoadedPack, PackOptions } from './pack.ts';
export { serializeFlow, serializeProfile, serializePackManifest } from './serialize.ts';
export { diffFlows } from './diff.ts';
export type { FlowDiff, ValueChange, EdgeRef } from './diff.ts';
export { generatedFiles } from './generated.ts';
export type { Problem, Checked } from '@millrace/schema';
