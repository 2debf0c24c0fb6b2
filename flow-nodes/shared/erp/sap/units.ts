/**
 * SAP's internal units of measure (as the OData APIs show them in English) and the UN/CEFACT
 * Rec 20 codes the canonical model uses. SAP keeps the ISO code beside each unit (table T006);
 * this is the common subset. A unit outside it passes through when it already looks like a
 * Rec 20 code, so a tenant with ISO units configured still works.
 */
const TO_CANONICAL: Readonly<Record<string, string>> = {
  KG: 'KGM',
  G: 'GRM',
  MG: 'MGM',
  TO: 'TNE',
  L: 'LTR',
  ML: 'MLT',
  M3: 'MTQ',
  M: 'MTR',
  M2: 'MTK',
  ST: 'H87',
  PC: 'H87',
  EA: 'EA',
  H: 'HUR',
};

const TO_SAP: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(TO_CANONICAL).map(([sap, iso]) => [iso, sap])),
  // Two SAP units share H87; SAP's own default for a piece is ST.
  H87: 'ST',
  C62: 'ST',
};

/** The canonical unit of an SAP unit, or undefined when it has none we can vouch for. */
export function canonicalUnit(sap: string): string | undefined {
  const known = TO_CANONICAL[sap.toUpperCase()];
  if (known) return known;
  return /^[A-Z0-9]{3}$/.test(sap) ? sap : undefined;
}

/** The SAP unit for a canonical one; a unit that is already SAP's passes through. */
export function sapUnit(canonical: string): string {
  return TO_SAP[canonical] ?? canonical;
}
