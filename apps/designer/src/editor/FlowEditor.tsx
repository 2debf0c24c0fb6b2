// UNFINISHED placeholder: the page is being built (issue 7).
export function FlowEditor({ flowId }: { flowId: string; role: string }) {
  return (
    <section aria-labelledby="page-title">
      <h2 id="page-title">Flow editor {flowId}</h2>
      <p>Not built yet.</p>
    </section>
  );
}
