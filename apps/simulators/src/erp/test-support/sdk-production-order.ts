/*
 * Test support: a minimal typed client for A_ProductionOrder_2, hand-written in the shape the SAP
 * Cloud SDK generator emits (entity class, EntityApi with schema fields, request builder), so a
 * test can drive the simulator through @sap-cloud-sdk/odata-v2 exactly as an SAP customer would.
 */
import {
  AllFields,
  CreateRequestBuilder,
  CustomField,
  DeleteRequestBuilder,
  Entity,
  FieldBuilder,
  GetAllRequestBuilder,
  GetByKeyRequestBuilder,
  RequestBuilder,
  UpdateRequestBuilder,
  defaultDeSerializers,
  entityBuilder,
  type DeSerializers,
  type DefaultDeSerializers,
  type DeserializedType,
  type EdmTypeField,
  type EntityApi,
  type EntityBuilderType,
  type OrderableEdmTypeField,
} from '@sap-cloud-sdk/odata-v2';

/** This class represents the entity "A_ProductionOrder_2" of service "API_PRODUCTION_ORDER_2_SRV". */
export class ProductionOrder<T extends DeSerializers = DefaultDeSerializers>
  extends Entity
  implements ProductionOrderType<T>
{
  static override _entityName = 'A_ProductionOrder_2';
  static override _defaultBasePath = '/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV';
  static _keys = ['ManufacturingOrder'];
  declare manufacturingOrder: DeserializedType<T, 'Edm.String'>;
  declare manufacturingOrderType?: DeserializedType<T, 'Edm.String'> | null;
  declare material?: DeserializedType<T, 'Edm.String'> | null;
  declare productionPlant?: DeserializedType<T, 'Edm.String'> | null;
  declare totalQuantity?: DeserializedType<T, 'Edm.Decimal'> | null;
  declare productionUnit?: DeserializedType<T, 'Edm.String'> | null;
  declare mfgOrderPlannedStartDate?: DeserializedType<T, 'Edm.DateTime'> | null;
  declare orderIsReleased?: DeserializedType<T, 'Edm.Boolean'> | null;
  declare lastChangeDateTime?: DeserializedType<T, 'Edm.DateTimeOffset'> | null;

  constructor(_entityApi: ProductionOrderApi<T>) {
    super(_entityApi);
  }
}

export interface ProductionOrderType<T extends DeSerializers = DefaultDeSerializers> {
  manufacturingOrder: DeserializedType<T, 'Edm.String'>;
  manufacturingOrderType?: DeserializedType<T, 'Edm.String'> | null;
  material?: DeserializedType<T, 'Edm.String'> | null;
  productionPlant?: DeserializedType<T, 'Edm.String'> | null;
  totalQuantity?: DeserializedType<T, 'Edm.Decimal'> | null;
  productionUnit?: DeserializedType<T, 'Edm.String'> | null;
  mfgOrderPlannedStartDate?: DeserializedType<T, 'Edm.DateTime'> | null;
  orderIsReleased?: DeserializedType<T, 'Edm.Boolean'> | null;
  lastChangeDateTime?: DeserializedType<T, 'Edm.DateTimeOffset'> | null;
}

export class ProductionOrderRequestBuilder<T extends DeSerializers = DefaultDeSerializers> extends RequestBuilder<
  ProductionOrder<T>,
  T
> {
  getByKey(manufacturingOrder: DeserializedType<T, 'Edm.String'>): GetByKeyRequestBuilder<ProductionOrder<T>, T> {
    return new GetByKeyRequestBuilder<ProductionOrder<T>, T>(this.entityApi, {
      ManufacturingOrder: manufacturingOrder,
    });
  }
  getAll(): GetAllRequestBuilder<ProductionOrder<T>, T> {
    return new GetAllRequestBuilder<ProductionOrder<T>, T>(this.entityApi);
  }
  create(entity: ProductionOrder<T>): CreateRequestBuilder<ProductionOrder<T>, T> {
    return new CreateRequestBuilder<ProductionOrder<T>, T>(this.entityApi, entity);
  }
  update(entity: ProductionOrder<T>): UpdateRequestBuilder<ProductionOrder<T>, T> {
    return new UpdateRequestBuilder<ProductionOrder<T>, T>(this.entityApi, entity);
  }
  delete(entity: ProductionOrder<T>): DeleteRequestBuilder<ProductionOrder<T>, T> {
    return new DeleteRequestBuilder<ProductionOrder<T>, T>(this.entityApi, entity);
  }
}

/** The entity type the schema fields are bound to, as the generator writes it. */
type Api = ProductionOrder<DeSerializers>;

export class ProductionOrderApi<T extends DeSerializers = DefaultDeSerializers> implements EntityApi<
  ProductionOrder<T>,
  T
> {
  public deSerializers: T;

  constructor(deSerializers: T = defaultDeSerializers as unknown as T) {
    this.deSerializers = deSerializers;
  }

  entityConstructor = ProductionOrder;

  requestBuilder(): ProductionOrderRequestBuilder<T> {
    return new ProductionOrderRequestBuilder<T>(this);
  }

  entityBuilder(): EntityBuilderType<ProductionOrder<T>, T> {
    return entityBuilder<ProductionOrder<T>, T>(this);
  }

  customField<NullableT extends boolean = false>(
    fieldName: string,
    isNullable: NullableT = false as NullableT,
  ): CustomField<ProductionOrder<T>, T, NullableT> {
    return new CustomField(fieldName, this.entityConstructor, this.deSerializers, isNullable) as unknown as CustomField<
      ProductionOrder<T>,
      T,
      NullableT
    >;
  }

  private _fieldBuilder?: FieldBuilder<typeof ProductionOrder, T>;
  get fieldBuilder(): FieldBuilder<typeof ProductionOrder, T> {
    this._fieldBuilder ??= new FieldBuilder(ProductionOrder, this.deSerializers);
    return this._fieldBuilder;
  }

  private _schema?: {
    MANUFACTURING_ORDER: OrderableEdmTypeField<Api, T, 'Edm.String', false, true>;
    MANUFACTURING_ORDER_TYPE: OrderableEdmTypeField<Api, T, 'Edm.String', true, true>;
    MATERIAL: OrderableEdmTypeField<Api, T, 'Edm.String', true, true>;
    PRODUCTION_PLANT: OrderableEdmTypeField<Api, T, 'Edm.String', true, true>;
    TOTAL_QUANTITY: OrderableEdmTypeField<Api, T, 'Edm.Decimal', true, true>;
    PRODUCTION_UNIT: OrderableEdmTypeField<Api, T, 'Edm.String', true, true>;
    MFG_ORDER_PLANNED_START_DATE: OrderableEdmTypeField<Api, T, 'Edm.DateTime', true, true>;
    ORDER_IS_RELEASED: EdmTypeField<Api, T, 'Edm.Boolean', true, true>;
    LAST_CHANGE_DATE_TIME: OrderableEdmTypeField<Api, T, 'Edm.DateTimeOffset', true, true>;
    ALL_FIELDS: AllFields<Api>;
  };

  get schema() {
    if (!this._schema) {
      const fb = this.fieldBuilder;
      this._schema = {
        MANUFACTURING_ORDER: fb.buildEdmTypeField('ManufacturingOrder', 'Edm.String', false),
        MANUFACTURING_ORDER_TYPE: fb.buildEdmTypeField('ManufacturingOrderType', 'Edm.String', true),
        MATERIAL: fb.buildEdmTypeField('Material', 'Edm.String', true),
        PRODUCTION_PLANT: fb.buildEdmTypeField('ProductionPlant', 'Edm.String', true),
        TOTAL_QUANTITY: fb.buildEdmTypeField('TotalQuantity', 'Edm.Decimal', true),
        PRODUCTION_UNIT: fb.buildEdmTypeField('ProductionUnit', 'Edm.String', true),
        MFG_ORDER_PLANNED_START_DATE: fb.buildEdmTypeField('MfgOrderPlannedStartDate', 'Edm.DateTime', true),
        ORDER_IS_RELEASED: fb.buildEdmTypeField('OrderIsReleased', 'Edm.Boolean', true),
        LAST_CHANGE_DATE_TIME: fb.buildEdmTypeField('LastChangeDateTime', 'Edm.DateTimeOffset', true),
        ALL_FIELDS: new AllFields('*', ProductionOrder),
      } as unknown as NonNullable<ProductionOrderApi<T>['_schema']>;
    }
    return this._schema;
  }
}

/** Like the generated `productionOrderService()`: the API with the default (de-)serializers. */
export function productionOrderApi(): ProductionOrderApi {
  return new ProductionOrderApi();
}
