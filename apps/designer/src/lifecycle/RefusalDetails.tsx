import { Refusal } from './api-lifecycle.ts';

interface Problem {
  readonly pointer?: unknown;
  readonly message?: unknown;
  readonly nodeId?: unknown;
}
interface FailedCase {
  readonly name?: unknown;
  readonly ok?: unknown;
  readonly failures?: unknown;
}

/** The problems and failing cases a refusal carries, as lists; what it does not carry, nothing. */
export function refusalLists(error: unknown): {
  problems: string[];
  cases: Array<{ name: string; failures: string[] }>;
} {
  if (!(error instanceof Refusal)) return { problems: [], cases: [] };
  const problems = Array.isArray(error.extra.problems)
    ? (error.extra.problems as Problem[]).map(
        (p) =>
          `${typeof p.nodeId === 'string' ? `${p.nodeId}: ` : ''}${String(p.message)}${typeof p.pointer === 'string' && p.pointer ? ` (${p.pointer})` : ''}`,
      )
    : [];
  const cases = Array.isArray(error.extra.cases)
    ? (error.extra.cases as FailedCase[])
        .filter((c) => c.ok !== true)
        .map((c) => ({
          name: String(c.name),
          failures: Array.isArray(c.failures) ? c.failures.map(String) : [],
        }))
    : [];
  return { problems, cases };
}

/** A refusal of the server as an alert: its detail, then its problems and failing test cases. */
export function RefusalDetails({ error, what }: { error: unknown; what: string }) {
  const { problems, cases } = refusalLists(error);
  return (
    <div role="alert" className="refusal">
      <p>
        <strong>{what}:</strong> {error instanceof Error ? error.message : String(error)}
      </p>
      {problems.length > 0 && (
        <ul aria-label="Problems">
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
      {cases.length > 0 && (
        <ul aria-label="Failing test cases">
          {cases.map((c, i) => (
            <li key={i}>
              <strong>{c.name}</strong>
              <ul>
                {c.failures.map((f, j) => (
                  <li key={j}>{f}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
