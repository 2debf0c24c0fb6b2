/**
 * Lifecycles as plain data. A machine lists its states, the initial one and, for every state, the
 * states it may move to. "Any state → X" rules are expanded into that table when the machine is
 * defined, so a reader (the QMS simulator, the designer, a flow) needs no rule engine: the table
 * is the whole truth.
 */

export interface StateMachine<S extends string = string> {
  /** The canonical entity this lifecycle belongs to, e.g. "CAPA". */
  readonly entity: string;
  /** The entity field that holds the state: `status` everywhere except MaterialLot (`qualityStatus`). */
  readonly field: string;
  readonly states: readonly S[];
  readonly initial: S;
  /** States with no way out. */
  readonly terminal: readonly S[];
  /** Every state is a key; its value lists the states it may move to (never itself). */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
}

export interface MachineSpec<S extends string> {
  readonly entity: string;
  readonly field?: string;
  readonly states: readonly S[];
  readonly initial: S;
  readonly transitions: Partial<Record<S, readonly S[]>>;
  /** "From any state except these → to". Expanded into `transitions`. */
  readonly fromAny?: ReadonlyArray<{ readonly to: S; readonly except?: readonly S[] }>;
}

/** Builds the frozen table; throws at load time on a state that is not in the list (a typo). */
export function defineMachine<const S extends string>(spec: MachineSpec<S>): StateMachine<S> {
  const known = new Set<string>(spec.states);
  const assertKnown = (state: string, where: string) => {
    if (!known.has(state)) throw new Error(`${spec.entity} lifecycle: "${state}" in ${where} is not one of its states`);
  };
  assertKnown(spec.initial, 'initial');
  const table = new Map<S, S[]>(spec.states.map((s) => [s, []]));
  const add = (from: S, to: S) => {
    const list = table.get(from) as S[];
    if (from !== to && !list.includes(to)) list.push(to);
  };
  for (const [from, targets] of Object.entries(spec.transitions) as Array<[S, readonly S[]]>) {
    assertKnown(from, 'transitions');
    for (const to of targets) {
      assertKnown(to, `transitions of "${from}"`);
      add(from, to);
    }
  }
  for (const rule of spec.fromAny ?? []) {
    assertKnown(rule.to, 'fromAny');
    for (const e of rule.except ?? []) assertKnown(e, 'fromAny.except');
    for (const from of spec.states) if (!(rule.except ?? []).includes(from)) add(from, rule.to);
  }
  const transitions = Object.fromEntries([...table].map(([s, to]) => [s, Object.freeze(to)])) as Record<
    S,
    readonly S[]
  >;
  return Object.freeze({
    entity: spec.entity,
    field: spec.field ?? 'status',
    states: Object.freeze([...spec.states]),
    initial: spec.initial,
    terminal: Object.freeze(spec.states.filter((s) => transitions[s].length === 0)),
    transitions: Object.freeze(transitions),
  });
}
