// UNFINISHED placeholder: the page is being built (issue 7).
export function HistoryPage({ flowId }: { flowId: string }) {
  return (
    <section aria-labelledby="page-title">
      <h2 id="page-title">Version history {flowId}</h2>
      <p>Not built yet.</p>
    </section>
  );
}
