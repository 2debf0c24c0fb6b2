export { startErpSimulator, type ErpSimulator, type ErpSimulatorOptions } from './erp/index.ts';
export { startQmsSimulator, type QmsSimulator, type QmsSimulatorOptions } from './qms/index.ts';
export { startMesSimulator, type MesSimulator, type MesSimulatorOptions } from './mes/index.ts';
export type { ScenarioOptions } from './mes/types.ts';
export {
  startPlant,
  plantSecrets,
  DEMO_SECRETS,
  EXAMPLE_QMS_HOOKS,
  PLANTS,
  type Plant,
  type PlantOptions,
  type QmsHook,
} from './plant.ts';
