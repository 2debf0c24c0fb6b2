export { startServer, VERSION } from './server.ts';
export type { MillraceServer, ServerOptions } from './server.ts';
export { ROLES, allows } from './roles.ts';
export type { Role, Principal, Access } from './roles.ts';
export type { RouteDef } from './api.ts';
export { readPackFiles } from './packs/index.ts';
