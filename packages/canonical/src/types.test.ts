import { describe, expectTypeOf, it } from 'vitest';
import type {
  BatchCompletion,
  CanonicalEvent,
  CAPA,
  InspectionDecision,
  MaterialLot,
  Quantity,
  StateOf,
} from './index.ts';

describe('TypeScript types', () => {
  it('derives entity types from the schemas', () => {
    expectTypeOf<BatchCompletion['producedLot']['qty']>().toEqualTypeOf<Quantity>();
    expectTypeOf<BatchCompletion['schemaVersion']>().toEqualTypeOf<1>();
    expectTypeOf<Quantity['value']>().toEqualTypeOf<string>();
  });

  it('types status fields with the lifecycle states', () => {
    expectTypeOf<CAPA['status']>().toEqualTypeOf<StateOf<'CAPA'>>();
    expectTypeOf<MaterialLot['qualityStatus']>().toEqualTypeOf<StateOf<'MaterialLot'>>();
    expectTypeOf<'released'>().toExtend<StateOf<'MaterialLot'>>();
    expectTypeOf<'approved'>().not.toExtend<StateOf<'MaterialLot'>>();
  });

  it('types the data of a canonical event by its type', () => {
    expectTypeOf<CanonicalEvent<'qms.inspection.decided.v1'>['data']>().toEqualTypeOf<InspectionDecision>();
    expectTypeOf<CanonicalEvent<'mes.batch.completed.v1'>['data']>().toEqualTypeOf<BatchCompletion>();
  });
});
