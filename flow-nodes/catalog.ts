import type { Catalog } from '@millrace/flow-model';
import json from './catalog.json' with { type: 'json' };

/** The generated node catalog (metadata and JSON Schemas only): safe for the browser. */
export const catalog = json as unknown as Catalog;
