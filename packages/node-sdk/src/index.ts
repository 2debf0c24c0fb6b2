export {
  FlowError,
  ValidationError,
  ConfigError,
  AuthError,
  TransientError,
  RemoteError,
  DataError,
  SandboxError,
  CancelledError,
  InternalError,
  ERROR_CATEGORIES,
  TRANSIENT_ERRNO,
  isFlowError,
  isSerializedError,
  toFlowError,
  fromJSON,
} from './errors.ts';
export type { ErrorCategory, SandboxReason, SerializedError, FlowErrorOptions } from './errors.ts';
export { message, inputMessage, payloadTextOf } from './message.ts';
export type { Message, InputMessage, OutMessage, Headers } from './message.ts';
export { nodeSpec, connectionSpec } from './spec.ts';
export type { NodeSpec, ConnectionSpec, PortSpec } from './spec.ts';
export { defineNode, defineTrigger, defineConnection, emit, emitText, drop } from './context.ts';
export type {
  RunContext,
  NodeResult,
  PortOutput,
  NodeDefinition,
  TriggerDefinition,
  TriggerContext,
  TriggerEvent,
  ConnectionDefinition,
  ConnectionTestResult,
  CodeRunner,
  NodeState,
  Logger,
  Reply,
  Resume,
  Resolved,
  ConnectionContext,
} from './context.ts';
export { buildCatalog, catalogEntry, connectionEntry, secretPointers, serializeCatalog } from './catalog.ts';
export { SecretRef } from '@millrace/flow-model';
