/** Authentication and user management of the Millrace server: what the server wires in. */
export { Auth, SESSION_COOKIE, type AuthOptions } from './auth.ts';
export { AUTH_MIGRATIONS } from './migrations.ts';
export { authRoutes } from './routes.ts';
export { bootstrapAdmin, type BootstrappedAdmin } from './bootstrap.ts';
export type { LoginLimits } from './rate-limit.ts';
