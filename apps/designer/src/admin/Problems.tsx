import { ProblemError, message } from './api-admin.ts';

/** A refusal as role=alert: the server's detail, and the problems it listed (file#pointer: message). */
export function Refusal({ error, label }: { error: unknown; label?: string }) {
  const problems = error instanceof ProblemError ? error.problems : [];
  return (
    <div role="alert" aria-label={label}>
      <p>{message(error)}</p>
      {problems.length > 0 && (
        <ul className="problems">
          {problems.map((p, i) => (
            <li key={`${i}-${p.pointer}`}>
              {p.flow ? `${p.flow}: ` : ''}
              {p.file ? `${p.file}` : ''}
              {p.pointer ? `#${p.pointer}` : ''}
              {p.file || p.pointer ? ': ' : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
