import { parseCanonicalRef, resolveCanonicalRef, CANONICAL_SCHEMAS } from '@millrace/canonical';
import {
  check,
  getAtPointer,
  joinPointer,
  sortProblems,
  toProblems,
  type Problem,
  type ValidateFunction,
} from '@millrace/schema';
import {
  ERROR_PORT,
  findConnectionType,
  findNodeType,
  nodeTypeVersions,
  type Catalog,
  type CatalogNodeType,
} from './catalog.ts';
import { codeSyntaxError, expressionSyntaxError } from './expressions.ts';
import type { Flow, FlowNode } from './flow-schema.ts';
import { withNodeIds } from './node-ids.ts';
import { checkProfileForFlow, validateProfile } from './profile.ts';
import type { PlantProfile } from './profile-schema.ts';
import { findInlinedSecrets } from './secrets.ts';
import { validateFlowStructure } from './structural.ts';
import { outputPorts, walkCodeFields } from './ports.ts';
import { ajv, compiled, compiledUserSchema } from './validators.ts';

export interface PublishableOptions {
  readonly catalog: Catalog;
  /** Also check that this plant's profile gives the flow what it needs. */
  readonly profile?: PlantProfile;
  /** Name of the profile's file, set as `file` on problems that point into the profile. */
  readonly profileFile?: string;
}

/**
 * Publishable validation, run before a flow can be published or deployed: everything
 * structural, plus node types and versions known, configs valid against their schemas, code
 * that parses, edges between ports that exist, connections declared and typed right, every node
 * reachable from a trigger, no secret written into the flow; with a profile, the plant binds
 * every connection slot and gives every required param.
 */
export function validateFlowPublishable(doc: unknown, options: PublishableOptions): Problem[] {
  const structural = validateFlowStructure(doc);
  if (structural.length > 0) return structural;
  const flow = doc as Flow;
  const { catalog } = options;
  const problems: Problem[] = [];
  const types = new Map<string, CatalogNodeType>();

  flow.nodes.forEach((node, i) => {
    const type = checkNodeType(node, i, catalog, problems);
    if (type) {
      types.set(node.id, type);
      problems.push(...checkNode(flow, node, i, type));
    }
  });
  problems.push(...checkEdges(flow, types));
  problems.push(...checkReachability(flow, types));
  problems.push(...checkFlowLevel(flow, catalog));

  const flowProblems = withNodeIds(problems, flow);
  if (!options.profile) return sortProblems(flowProblems);
  const file = options.profileFile ?? 'profile';
  const profileProblems = [
    ...validateProfile(options.profile, { catalog }),
    ...checkProfileForFlow(flow, options.profile),
  ].map((p) => ({ ...p, file }));
  return sortProblems([...flowProblems, ...profileProblems]);
}

function checkNodeType(node: FlowNode, i: number, catalog: Catalog, problems: Problem[]): CatalogNodeType | undefined {
  const type = findNodeType(catalog, node.type, node.version);
  if (type) return type;
  const versions = nodeTypeVersions(catalog, node.type);
  if (versions.length > 0) {
    problems.push({
      pointer: joinPointer('/nodes', i, 'version'),
      message: `is ${node.version}, but node type "${node.type}" has version${versions.length > 1 ? 's' : ''} ${versions.join(', ')} here`,
    });
  } else {
    const hint = suggest(node.type, [...new Set(catalog.nodes.map((n) => n.type))]);
    problems.push({
      pointer: joinPointer('/nodes', i, 'type'),
      message: `"${node.type}" is not a known node type${hint ? `; did you mean "${hint}"?` : ''}`,
    });
  }
  return undefined;
}

function checkNode(flow: Flow, node: FlowNode, i: number, type: CatalogNodeType): Problem[] {
  const at = joinPointer('/nodes', i);
  const out: Problem[] = [];
  out.push(...checkAgainst(compiled(type.config), node.config, at + '/config'));
  out.push(...walkCodeFields(type.config, node.config, at + '/config', { expressionSyntaxError, codeSyntaxError }));
  out.push(...findInlinedSecrets(node.config, at + '/config'));
  out.push(...checkDynamicPorts(node, type, at));
  out.push(...checkRetry(node.retry, at + '/retry'));
  out.push(...checkUpstreamNodeFields(flow, node, type, at + '/config'));

  if (node.onError === 'route' && !type.errorPort) {
    out.push({ pointer: at + '/onError', message: `is "route", but node type "${type.type}" has no error port` });
  }

  const wants = type.connection;
  if (node.connection === undefined) {
    if (wants?.required) {
      out.push({
        pointer: at + '/connection',
        message: `is required: node type "${type.type}" needs a connection of type ${wants.types.join(' or ')}`,
      });
    }
  } else if (!wants) {
    out.push({ pointer: at + '/connection', message: `is set, but node type "${type.type}" uses no connection` });
  } else {
    const slot = flow.connections?.[node.connection];
    if (!slot) {
      out.push({
        pointer: at + '/connection',
        message: `names connection slot "${node.connection}", which the flow does not declare under /connections`,
      });
    } else if (!wants.types.includes(slot.type)) {
      out.push({
        pointer: at + '/connection',
        message: `names slot "${node.connection}" of type ${slot.type}, but node type "${type.type}" works with ${wants.types.join(' or ')}`,
      });
    }
  }
  return out;
}

/**
 * Config fields marked `x-widget: upstream-node` (the dead-letter node's `replayFrom`) must name a
 * node with a path to this one: anything else could not be where a replay of this run resumes.
 */
function checkUpstreamNodeFields(flow: Flow, node: FlowNode, type: CatalogNodeType, at: string): Problem[] {
  const properties = (type.config as { properties?: Record<string, { 'x-widget'?: string }> }).properties ?? {};
  const fields = Object.keys(properties).filter((k) => properties[k]!['x-widget'] === 'upstream-node');
  const config = (node.config ?? {}) as Record<string, unknown>;
  const out: Problem[] = [];
  for (const field of fields) {
    const value = config[field];
    if (typeof value !== 'string') continue;
    if (!upstreamOf(flow, node.id).has(value))
      out.push({
        pointer: joinPointer(at, field),
        message: flow.nodes.some((n) => n.id === value)
          ? `names node "${value}", which has no path to node "${node.id}"`
          : `names node "${value}", which is not in this flow`,
      });
  }
  return out;
}

/** Every node with a path (over edges) to `nodeId`. */
function upstreamOf(flow: Flow, nodeId: string): Set<string> {
  const seen = new Set<string>();
  const todo = [nodeId];
  while (todo.length > 0) {
    const id = todo.pop()!;
    for (const e of flow.edges) {
      if (e.to.node === id && !seen.has(e.from.node)) {
        seen.add(e.from.node);
        todo.push(e.from.node);
      }
    }
  }
  return seen;
}

/** ajv problems, with unknown canonical references explained instead of "must match format". */
function checkAgainst(validate: ValidateFunction, value: unknown, base: string): Problem[] {
  return check(validate, value, base, { formatMessages: { 'canonical-ref': canonicalRefMessage } });
}

function canonicalRefMessage(value: unknown): string {
  const ref = String(value);
  const parsed = parseCanonicalRef(ref);
  if (!parsed)
    return `"${ref}" is not a canonical reference; write it as canonical:<Name>@<major>, such as canonical:BatchCompletion@1`;
  const majors = CANONICAL_SCHEMAS.filter((s) => s.name === parsed.name).map((s) => s.major);
  if (majors.length > 0 && !resolveCanonicalRef(ref)) {
    return `names version ${parsed.major} of canonical schema ${parsed.name}, which does not exist; known: ${majors.map((m) => `${parsed.name}@${m}`).join(', ')}`;
  }
  const hint = suggest(parsed.name, [...new Set(CANONICAL_SCHEMAS.map((s) => s.name))]);
  return `names canonical schema "${parsed.name}", which does not exist${hint ? `; did you mean ${hint}?` : ''}`;
}

function checkDynamicPorts(node: FlowNode, type: CatalogNodeType, at: string): Problem[] {
  if (!type.dynamicOutputs) return [];
  const items = getAtPointer(node.config, type.dynamicOutputs.configPointer);
  if (!Array.isArray(items)) return [];
  const out: Problem[] = [];
  const seen = new Set<string>([...type.outputs.map((p) => p.id), ...(type.errorPort ? [ERROR_PORT] : [])]);
  items.forEach((item, j) => {
    const id = (item as Record<string, unknown> | null)?.[type.dynamicOutputs!.portField];
    if (typeof id !== 'string') return;
    if (seen.has(id)) {
      out.push({
        pointer: joinPointer(at + '/config' + type.dynamicOutputs!.configPointer, j, type.dynamicOutputs!.portField),
        message: `"${id}" is already a port of this node; port names must be unique`,
      });
    }
    seen.add(id);
  });
  return out;
}

function checkRetry(retry: FlowNode['retry'], at: string): Problem[] {
  if (!retry || retry.initialMs === undefined || retry.maxMs === undefined) return [];
  return retry.initialMs > retry.maxMs
    ? [
        {
          pointer: at + '/maxMs',
          message: `is ${retry.maxMs}, less than initialMs (${retry.initialMs}); no delay could follow the policy`,
        },
      ]
    : [];
}

function checkEdges(flow: Flow, types: ReadonlyMap<string, CatalogNodeType>): Problem[] {
  const out: Problem[] = [];
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const seen = new Map<string, number>();
  const errorEdges = new Set<string>();
  flow.edges.forEach((edge, i) => {
    const at = joinPointer('/edges', i);
    const from = byId.get(edge.from.node);
    const to = byId.get(edge.to.node);
    if (!from)
      out.push({ pointer: at + '/from/node', message: `names node "${edge.from.node}", which is not in this flow` });
    if (!to) out.push({ pointer: at + '/to/node', message: `names node "${edge.to.node}", which is not in this flow` });
    if (!from || !to) return;
    if (from.id === to.id) out.push({ pointer: at, message: `connects node "${from.id}" to itself` });
    const key = `${edge.from.node}:${edge.from.port}>${edge.to.node}:${edge.to.port}`;
    const first = seen.get(key);
    if (first !== undefined) out.push({ pointer: at, message: `repeats edge ${first} (same ports at both ends)` });
    seen.set(key, i);

    const fromType = types.get(from.id);
    const toType = types.get(to.id);
    let fromSchema: unknown;
    if (fromType) {
      const ports = outputPorts(from, fromType);
      const port = ports.find((p) => p.id === edge.from.port);
      if (!port) {
        out.push({
          pointer: at + '/from/port',
          message: `names port "${edge.from.port}", but node "${from.id}" (${fromType.type}) has output ports ${ports.map((p) => `"${p.id}"`).join(', ')}`,
        });
      } else if (port.id === ERROR_PORT) {
        errorEdges.add(from.id);
        if (from.onError !== 'route') {
          out.push({
            pointer: at + '/from/port',
            message: `is the error port of node "${from.id}", whose onError is not "route"; set onError to "route" to send errors here`,
          });
        }
      } else fromSchema = port.schema;
    }
    if (toType) {
      const port = toType.inputs.find((p) => p.id === edge.to.port);
      if (!port) {
        out.push({
          pointer: at + '/to/port',
          message:
            toType.inputs.length === 0
              ? `names port "${edge.to.port}", but node "${to.id}" (${toType.type}) takes no input`
              : `names port "${edge.to.port}", but node "${to.id}" (${toType.type}) has input ports ${toType.inputs.map((p) => `"${p.id}"`).join(', ')}`,
        });
      } else if (typeof fromSchema === 'string' && typeof port.schema === 'string' && fromSchema !== port.schema) {
        out.push({
          pointer: at,
          message: `connects a port that sends ${fromSchema} to a port that expects ${port.schema}`,
        });
      }
    }
  });
  flow.nodes.forEach((node, i) => {
    if (node.onError === 'route' && types.get(node.id)?.errorPort && !errorEdges.has(node.id)) {
      out.push({
        pointer: joinPointer('/nodes', i, 'onError'),
        message: 'is "route", but no edge leaves this node\'s error port',
      });
    }
  });
  return out;
}

function checkReachability(flow: Flow, types: ReadonlyMap<string, CatalogNodeType>): Problem[] {
  const entries = flow.nodes.filter((n) => types.get(n.id)?.entry);
  if (entries.length === 0) {
    if (types.size < flow.nodes.length) return []; // an unknown type may be the trigger; reported already
    return [
      {
        pointer: '/nodes',
        message: 'has no trigger; a flow starts at a trigger node such as trigger.webhook or trigger.mqtt',
      },
    ];
  }
  const next = new Map<string, string[]>();
  for (const e of flow.edges) next.set(e.from.node, [...(next.get(e.from.node) ?? []), e.to.node]);
  const reached = new Set(entries.map((n) => n.id));
  const queue = [...reached];
  while (queue.length > 0) {
    for (const n of next.get(queue.shift()!) ?? []) {
      if (!reached.has(n)) {
        reached.add(n);
        queue.push(n);
      }
    }
  }
  const out: Problem[] = [];
  flow.nodes.forEach((node, i) => {
    if (!reached.has(node.id) && !node.disabled && types.has(node.id)) {
      out.push({
        pointer: joinPointer('/nodes', i),
        message: `node "${node.id}" cannot be reached from any trigger; connect it or delete it`,
      });
    }
  });
  return out;
}

function checkFlowLevel(flow: Flow, catalog: Catalog): Problem[] {
  const out: Problem[] = [];
  for (const [slot, decl] of Object.entries(flow.connections ?? {})) {
    if (!findConnectionType(catalog, decl.type)) {
      out.push({
        pointer: joinPointer('/connections', slot, 'type'),
        message: `"${decl.type}" is not a known connection type; known types: ${catalog.connectionTypes.map((c) => c.type).join(', ')}`,
      });
    }
  }
  const s = flow.settings;
  const expressions: Array<[string, string | undefined]> = [
    ['/settings/idempotencyKey', s?.idempotencyKey],
    ['/settings/orderBy', s?.orderBy],
    ...Object.entries(s?.businessKeys ?? {}).map(([k, v]): [string, string] => [
      joinPointer('/settings/businessKeys', k),
      v,
    ]),
  ];
  for (const [pointer, source] of expressions) {
    const error = source === undefined ? undefined : expressionSyntaxError(source);
    if (error) out.push({ pointer, message: error });
  }
  out.push(...checkRetry(s?.retry, '/settings/retry'));
  if (flow.params) {
    if (!ajv().validateSchema(flow.params)) {
      // The meta-schema's $ref branches defeat branch reduction: keep the first problem per field.
      const seen = new Set<string>();
      for (const p of toProblems(ajv().errors ?? [], flow.params, '/params')) {
        if (seen.has(p.pointer)) continue;
        seen.add(p.pointer);
        out.push({ ...p, message: `${p.message} (params must be a JSON Schema)` });
      }
    } else {
      try {
        compiledUserSchema(flow.params);
      } catch (e) {
        out.push({
          pointer: '/params',
          message: `is not a usable JSON Schema: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  }
  return out;
}

/** The closest known name within a small edit distance, for "did you mean". */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
