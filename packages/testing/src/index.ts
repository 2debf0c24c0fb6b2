export { runNode } from './run-node.ts';
export type { RunNodeOptions, RunNodeResult, EmittedMessage, LogEntry, SentSignal } from './run-node.ts';
export { runFlow, flowHarness, RunTimeoutError } from './flow-harness.ts';
export type { FlowHarness, FlowHarnessOptions, FlowRunResult, RunEvent } from './flow-harness.ts';
export { TEST_PROFILE } from './flow-loading.ts';
export { recordedHttp } from './recorded-http.ts';
export type {
  RecordedHttp,
  RecordedHttpOptions,
  Expectation,
  RequestMatcher,
  RecordedResponse,
  SeenRequest,
} from './recorded-http.ts';
export { inProcessBroker, topicMatches } from './mqtt-broker.ts';
export type { InProcessBroker, BrokerMessage } from './mqtt-broker.ts';
export { memoryNodeState } from './node-state.ts';
export { nodeImplementation } from './implementations.ts';
export type { SandboxChoice } from './sandbox.ts';
export { runFlowTests } from './flow-tests.ts';
export { recordingProxy } from './recording-proxy.ts';
export type { RecordedExchange, RecordingProxy } from './recording-proxy.ts';
export type { FlowTestsOptions, FlowTestsResult, CaseResult } from './flow-tests.ts';
export { evaluate as evaluateFlowTestCase, contains as containsDeeply } from './flow-tests-expect.ts';
