// Hand-drawn SVG charts (no chart library): columns over time and bars per category, each with a
// title, an aria-label carrying the numbers, and a table of the same numbers to read or copy.
import { linkProps } from '../router.ts';
import { linearScale, niceTicks, type Datum } from './chart.ts';

export type { Datum };

function NumbersTable({
  title,
  data,
  unit,
  category,
}: {
  title: string;
  data: readonly Datum[];
  unit: string;
  category: string;
}) {
  return (
    <details className="chart-numbers">
      <summary>Numbers: {title}</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">{category}</th>
            <th scope="col">{unit}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d, i) => (
            <tr key={`${i}-${d.label}`}>
              <th scope="row">{d.href ? <a {...linkProps(d.href)}>{d.label}</a> : d.label}</th>
              <td>{d.display ?? d.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

const summaryOf = (title: string, data: readonly Datum[]) =>
  `${title}: ${data.map((d) => `${d.label} ${d.display ?? d.value}`).join(', ')}`;

/** Columns over time (or any ordered series): a y axis with nice ticks, a label every few columns. */
export function ColumnChart({
  title,
  data,
  unit = 'count',
  category = 'Period',
  height = 160,
}: {
  title: string;
  data: readonly Datum[];
  unit?: string;
  category?: string;
  height?: number;
}) {
  const width = 640;
  const left = 36;
  const bottom = 22;
  const top = 8;
  const plotH = height - bottom - top;
  const max = Math.max(0, ...data.map((d) => d.value));
  const ticks = niceTicks(max);
  const y = linearScale(ticks[ticks.length - 1]!, plotH);
  const slot = (width - left) / Math.max(1, data.length);
  const every = Math.max(1, Math.ceil(data.length / 8));
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summaryOf(title, data)} className="chart-svg">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={width} y1={top + plotH - y(t)} y2={top + plotH - y(t)} className="grid" />
            <text x={left - 4} y={top + plotH - y(t) + 4} textAnchor="end" className="tick">
              {t}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const h = y(d.value);
          const x = left + i * slot + slot * 0.15;
          return (
            <g key={`${i}-${d.label}`}>
              <rect x={x} y={top + plotH - h} width={slot * 0.7} height={h} className="bar">
                <title>{`${d.label}: ${d.display ?? d.value}`}</title>
              </rect>
              {i % every === 0 && (
                <text x={x + slot * 0.35} y={height - 6} textAnchor="middle" className="tick">
                  {d.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <NumbersTable title={title} data={data} unit={unit} category={category} />
    </figure>
  );
}

/** One horizontal bar per category, its label on the left and its value at the end. */
export function BarChart({
  title,
  data,
  unit = 'count',
  category = 'Category',
}: {
  title: string;
  data: readonly Datum[];
  unit?: string;
  category?: string;
}) {
  const width = 640;
  const labelW = 200;
  const valueW = 90;
  const row = 24;
  const height = Math.max(1, data.length) * row + 4;
  const x = linearScale(Math.max(0, ...data.map((d) => d.value)), width - labelW - valueW);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="empty">Nothing to show.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summaryOf(title, data)} className="chart-svg">
          {data.map((d, i) => (
            <g key={`${i}-${d.label}`} transform={`translate(0 ${i * row + 2})`}>
              <text x={labelW - 6} y={row / 2 + 4} textAnchor="end" className="label">
                {d.label}
              </text>
              <rect x={labelW} y={3} width={Math.max(d.value > 0 ? 2 : 0, x(d.value))} height={row - 6} className="bar">
                <title>{`${d.label}: ${d.display ?? d.value}`}</title>
              </rect>
              <text x={labelW + x(d.value) + 6} y={row / 2 + 4} className="value">
                {d.display ?? d.value}
              </text>
            </g>
          ))}
        </svg>
      )}
      <NumbersTable title={title} data={data} unit={unit} category={category} />
    </figure>
  );
}
