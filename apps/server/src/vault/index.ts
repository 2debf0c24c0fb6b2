export { Vault, VAULT_MIGRATIONS, loadMasterKey, SECRET_NAME_PATTERN } from './vault.ts';
export type { MasterKey, SecretInfo } from './vault.ts';
export { vaultRoutes } from './routes.ts';
