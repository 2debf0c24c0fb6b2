export { InstalledStore, PACK_MIGRATIONS, digestOf } from './store.ts';
export { Deployments, DEPLOYMENT_MIGRATIONS, deploymentRoutes } from './deployments.ts';
export type { Deployment } from './deployments.ts';
export { installAtStart, readPackFiles } from './bootstrap.ts';
export { planImport } from './plan.ts';
export type { ImportPlan, FlowChange, PlantChange } from './plan.ts';
export { packRoutes } from './routes.ts';
export type { PackDeps } from './routes.ts';
