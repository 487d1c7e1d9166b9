/** @jsxImportSource hono/jsx */
/**
 * Charts drawn on the server as SVG: they need no JavaScript, print well, and each comes with a text summary for
 * screen readers and the same numbers as a table beside it.
 */

export interface ChartRow {
  label: string;
  value: number;
  /** The value as people read it (money, count). */
  display: string;
}

export function BarChart({ id, title, rows, summary }: { id: string; title: string; rows: ChartRow[]; summary: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barHeight = 22;
  const gap = 8;
  const labelWidth = 230;
  const width = 640;
  const height = rows.length * (barHeight + gap) + gap;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      {rows.length === 0 ? (
        <p class="muted">Žádná data k zobrazení.</p>
      ) : (
        <div class="chart-body">
          <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMinYMin meet">
            <desc id={`${id}-desc`}>{summary}</desc>
            {rows.map((row, index) => {
              const y = gap + index * (barHeight + gap);
              const barWidth = Math.max(2, Math.round(((width - labelWidth - 150) * Math.max(0, row.value)) / max));
              return (
                <g>
                  <text x={labelWidth - 8} y={y + barHeight * 0.7} text-anchor="end" font-size="13" fill="#1a1a1a">
                    {row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label}
                  </text>
                  <rect x={labelWidth} y={y} width={barWidth} height={barHeight} fill="#0b5394" />
                  <text x={labelWidth + barWidth + 6} y={y + barHeight * 0.7} font-size="13" fill="#1a1a1a">
                    {row.display}
                  </text>
                </g>
              );
            })}
          </svg>
          <table>
              <caption class="visually-hidden">{`${title}: data grafu`}</caption>
              <thead>
                <tr>
                  <th scope="col">Položka</th>
                  <th scope="col" class="num">
                    Hodnota
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr>
                    <td>{row.label}</td>
                    <td class="num">{row.display}</td>
                  </tr>
                ))}
              </tbody>
            </table>
        </div>
      )}
    </figure>
  );
}
