export { DraftStore, DRAFT_MIGRATIONS } from './drafts.ts';
export type { Draft } from './drafts.ts';
export { lifecycleRoutes } from './routes.ts';
export type { LifecycleDeps } from './routes.ts';
