// The event the load generator posts: an MES "batch completed" message of about 1 KB. Only eventId
// changes from one request to the next, so the body is built as prefix + id + suffix (no
// JSON.stringify per request in the load generator).
import { randomUUID } from 'node:crypto';

const ID = '__EVENT_ID__';

const event = {
  eventId: ID,
  eventType: 'mes.batch.completed',
  occurredAt: '2026-03-02T17:48:32+01:00',
  plantId: 'P100',
  hierarchyScope: 'acme/p100/granulation/line3',
  mesJobId: 'JOB-88231',
  productionOrderId: '1000457812',
  recipe: { id: 'MR-FG-1000', version: '12' },
  responseState: 'completed',
  producedLot: {
    lotId: 'LOT-2026-0042-P100-L3',
    materialId: 'FG-1000',
    qty: { value: '480.000', uom: 'KGM' },
    manufactureDate: '2026-03-02',
  },
  consumption: [
    { lotId: 'API-77812', materialId: 'RM-2001', qty: { value: '192.500', uom: 'KGM' }, phase: 'granulation' },
    { lotId: 'EXC-10331', materialId: 'RM-3004', qty: { value: '290.120', uom: 'KGM' }, phase: 'granulation' },
  ],
  processParameters: [
    {
      name: 'granulation.bed_temperature',
      value: '42.7',
      uom: 'CEL',
      lowerLimit: '38.0',
      upperLimit: '46.0',
      inSpec: true,
      equipmentId: 'FBD-02',
    },
    { name: 'drying.loss_on_drying', value: '1.8', uom: 'P1', upperLimit: '2.0', inSpec: true },
  ],
  personnel: [
    { personId: 'u-op-0311', role: 'operator', action: 'executed' },
    { personId: 'u-sup-0102', role: 'supervisor', action: 'verified' },
  ],
  startTime: '2026-03-02T06:12:00+01:00',
  endTime: '2026-03-02T17:48:31+01:00',
};

const [prefix, suffix] = JSON.stringify(event).split(ID);

/** The body for one request, with a fresh eventId. */
export const eventBody = (id = randomUUID()) => prefix + id + suffix;

/** Body size in bytes (ASCII only, so characters = bytes). */
export const eventBytes = eventBody().length;

/** True when a response body carries the sink's answer ({"sink":true,...}, however it was re-serialized). */
export const hasSinkAnswer = (text) => /"sink"\s*:\s*true/.test(text);
