import type { PropDef } from './edm.ts';
import { setOf, type ServiceDef } from './model.ts';

/**
 * The $metadata (EDMX, OData V2 with SAP annotations) of a service, generated from the same
 * definitions the engine serves, so it can never disagree with the answers. A subset of the
 * real documents: the properties, keys, navigations and function imports the simulator has.
 */
export function edmx(service: ServiceDef): string {
  const ns = service.name;
  const types: string[] = [];
  const assocs: string[] = [];
  const assocSets: string[] = [];
  for (const set of service.sets) {
    const props = Object.entries(set.props).map(([name, def]) => property(name, def, set.keys.includes(name)));
    const navs: string[] = [];
    for (const [name, nav] of Object.entries(set.navs ?? {})) {
      const target = setOf(service, nav.target)!;
      const assoc = `assoc_${set.name}_${name}`;
      navs.push(
        `<NavigationProperty Name="${name}" Relationship="${ns}.${assoc}" FromRole="FromRole_${assoc}" ToRole="ToRole_${assoc}"/>`,
      );
      assocs.push(
        `<Association Name="${assoc}" sap:content-version="1"><End Type="${ns}.${set.entityType}" Multiplicity="1" Role="FromRole_${assoc}"/><End Type="${ns}.${target.entityType}" Multiplicity="${nav.many ? '*' : '0..1'}" Role="ToRole_${assoc}"/></Association>`,
      );
      assocSets.push(
        `<AssociationSet Name="${assoc}" Association="${ns}.${assoc}" sap:creatable="false" sap:updatable="false" sap:deletable="false" sap:content-version="1"><End EntitySet="${set.name}" Role="FromRole_${assoc}"/><End EntitySet="${target.name}" Role="ToRole_${assoc}"/></AssociationSet>`,
      );
    }
    types.push(
      `<EntityType Name="${set.entityType}" sap:content-version="1"><Key>${set.keys.map((k) => `<PropertyRef Name="${k}"/>`).join('')}</Key>${props.join('')}${navs.join('')}</EntityType>`,
    );
  }
  const sets = service.sets.map(
    (s) =>
      `<EntitySet Name="${s.name}" EntityType="${ns}.${s.entityType}" sap:creatable="${Boolean(s.create)}" sap:updatable="${Boolean(s.update)}" sap:deletable="${Boolean(s.remove)}" sap:pageable="true" sap:content-version="1"/>`,
  );
  const functions = service.functions.map((f) => {
    const ret = f.returns
      ? ` ReturnType="${f.returns.many ? `Collection(${ns}.${setOf(service, f.returns.set)!.entityType})` : `${ns}.${setOf(service, f.returns.set)!.entityType}`}" EntitySet="${f.returns.set}"`
      : '';
    const params = Object.entries(f.params).map(
      ([name, def]) =>
        `<Parameter Name="${name}" Type="${def.type}" Mode="In"${def.maxLength ? ` MaxLength="${def.maxLength}"` : ''}${def.optional ? ' Nullable="true"' : ''}/>`,
    );
    return `<FunctionImport Name="${f.name}"${ret} m:HttpMethod="${f.httpMethod}">${params.join('')}</FunctionImport>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" xmlns:sap="http://www.sap.com/Protocols/SAPData">',
    '<edmx:DataServices m:DataServiceVersion="2.0">',
    `<Schema Namespace="${ns}" xml:lang="en" sap:schema-version="1" xmlns="http://schemas.microsoft.com/ado/2008/09/edm">`,
    ...types,
    ...assocs,
    `<EntityContainer Name="${ns}_Entities" m:IsDefaultEntityContainer="true" sap:supported-formats="atom json xlsx">`,
    ...sets,
    ...assocSets,
    ...functions,
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
  ].join('\n');
}

function property(name: string, def: PropDef, key: boolean): string {
  const attrs = [`Name="${name}"`, `Type="${def.type}"`];
  if (key) attrs.push('Nullable="false"');
  if (def.maxLength !== undefined) attrs.push(`MaxLength="${def.maxLength}"`);
  if (def.precision !== undefined) attrs.push(`Precision="${def.precision}"`);
  if (def.scale !== undefined) attrs.push(`Scale="${def.scale}"`);
  if (def.type === 'Edm.DateTime') attrs.push('sap:display-format="Date"');
  if (def.readOnly) attrs.push('sap:creatable="false" sap:updatable="false"');
  return `<Property ${attrs.join(' ')}/>`;
}
