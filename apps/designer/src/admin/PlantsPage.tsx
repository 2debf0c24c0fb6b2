// UNFINISHED placeholder: the page is being built (issue 7).
export function PlantsPage(_props: { role: string }) {
  return (
    <section aria-labelledby="page-title">
      <h2 id="page-title">Plants</h2>
      <p>Not built yet.</p>
    </section>
  );
}
