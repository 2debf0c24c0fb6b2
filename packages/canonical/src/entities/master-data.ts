/** Master data: what is made (Material) and the thin references to who and what made it. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  DateOnly,
  entityFields,
  entityOptions,
  Ref,
  StringEnum,
  Text,
  UomCode,
  VersionedRefSchema,
} from '../building-blocks.ts';
import { MaterialLifecycle } from '../lifecycles.ts';

/** How an inspection lot came about; a material lists the origins that create one for it. */
export const INSPECTION_ORIGINS = [
  'production_gr',
  'in_process',
  'goods_receipt_po',
  'stock_transfer',
  'stability',
  'manual',
] as const;

export const MaterialSchema = Type.Object(
  {
    ...entityFields(),
    materialNumber: Type.String({ minLength: 1, maxLength: 40 }),
    description: Type.Optional(Text),
    baseUom: UomCode,
    materialType: Type.Optional(Code),
    batchManaged: Type.Optional(Type.Boolean()),
    qmActive: Type.Optional(Type.Boolean()),
    inspectionSetup: Type.Optional(Type.Array(StringEnum(INSPECTION_ORIGINS), { uniqueItems: true })),
    shelfLifeDays: Type.Optional(Type.Integer({ minimum: 0 })),
    specRefs: Type.Optional(Type.Array(VersionedRefSchema)),
    status: StringEnum(MaterialLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Material',
    'A material definition (ISA-95 MaterialDefinition, SAP material master): what can be made, bought or consumed.',
  ),
);
export type Material = Static<typeof MaterialSchema>;

/** ISA-95 EquipmentElementLevel, in snake_case. */
export const EQUIPMENT_LEVELS = [
  'enterprise',
  'site',
  'area',
  'process_cell',
  'unit',
  'production_line',
  'work_cell',
  'production_unit',
  'storage_zone',
  'storage_unit',
  'work_center',
  'work_unit',
  'equipment_module',
  'control_module',
  'other',
] as const;

export const EquipmentSchema = Type.Object(
  {
    ...entityFields(),
    code: Code,
    name: Type.Optional(Code),
    level: StringEnum(EQUIPMENT_LEVELS),
    parentId: Type.Optional(Ref),
    qualificationStatus: Type.Optional(StringEnum(['qualified', 'not_qualified', 'out_of_service'])),
    calibrationDue: Type.Optional(DateOnly),
  },
  entityOptions(
    'Equipment',
    'A piece of equipment or a place in the ISA-95 hierarchy, kept thin: enough to attribute work to it.',
  ),
);
export type Equipment = Static<typeof EquipmentSchema>;

export const PersonSchema = Type.Object(
  {
    ...entityFields(),
    name: Code,
    userName: Type.Optional(Code),
    roles: Type.Optional(Type.Array(Code)),
    qualifications: Type.Optional(
      Type.Array(Type.Object({ code: Code, validUntil: Type.Optional(DateOnly) }, { additionalProperties: false })),
    ),
  },
  entityOptions(
    'Person',
    'A person who acts on records (operator, inspector, QA approver), kept thin: enough to attribute actions.',
  ),
);
export type Person = Static<typeof PersonSchema>;
