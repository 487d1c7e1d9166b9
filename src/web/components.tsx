/** @jsxImportSource hono/jsx */
import { formatDate, formatMoney } from '../shared/format.ts';
import { RECORD_TYPE_LABELS, type RecordType } from '../standard/schema.ts';
import type { RecordListItem } from '../register/service.ts';
import { recordPath } from '../api/present.ts';

export const QUALITY_TITLES: Record<string, string> = {
  A: 'úroveň A – úplný záznam',
  B: 'úroveň B – ceny a strany',
  C: 'úroveň C – minimum',
};

export function QualityBadge({ level }: { level: string }) {
  return (
    <span class={`badge q-${level}`} title={QUALITY_TITLES[level]}>
      Kvalita {level}
    </span>
  );
}

export function amountOf(item: { amountWithVat: number | null; amountWithoutVat: number | null; currency: string }): string {
  if (item.amountWithVat !== null) return `${formatMoney(item.amountWithVat, item.currency)} s DPH`;
  if (item.amountWithoutVat !== null) return `${formatMoney(item.amountWithoutVat, item.currency)} bez DPH`;
  return 'cena neuvedena';
}

export function RecordTable({ items, showOrganization, caption }: { items: RecordListItem[]; showOrganization: boolean; caption: string }) {
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-label="Posouvatelná tabulka">
      <table>
        <caption class="muted" style="text-align:left">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Datum</th>
            <th scope="col">Typ</th>
            <th scope="col">Předmět</th>
            {showOrganization ? <th scope="col">Organizace</th> : null}
            <th scope="col" class="num">Částka</th>
            <th scope="col">Kvalita</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr>
              <td>{formatDate(item.date)}</td>
              <td>{RECORD_TYPE_LABELS[item.type as RecordType].one}</td>
              <td>
                <a href={recordPath(item.organizationIco, item.id)}>{item.subject}</a>
                {item.status === 'withdrawn' ? <span class="muted"> (znepřístupněno)</span> : null}
              </td>
              {showOrganization ? (
                <td>
                  <a href={`/organizace/${item.organizationIco}`}>{item.organizationName}</a>
                </td>
              ) : null}
              <td class="num">{amountOf(item)}</td>
              <td>
                <QualityBadge level={item.quality} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
