/** Approvals of the Millrace server (electronic signatures): what the server wires in. */
export { approvalRoutes, APPROVAL_CHANNEL, type ApprovalDeps } from './routes.ts';
export { APPROVAL_MIGRATIONS } from './migrations.ts';
export { SignatureStore, signatureJson, type Signature } from './signatures.ts';
export type { SignatureLimits } from './limiter.ts';
