// UNFINISHED placeholder: the page is being built (issue 7).
export function AuditPage(_props: { role: string }) {
  return (
    <section aria-labelledby="page-title">
      <h2 id="page-title">Audit log</h2>
      <p>Not built yet.</p>
    </section>
  );
}
