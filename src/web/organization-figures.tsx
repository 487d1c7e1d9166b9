/** @jsxImportSource hono/jsx */
/** An organisation's figures: spending by year and supplier, counts and sums by type, quality over time, concentration. */
import { BarChart } from './charts.tsx';
import { formatMoney, formatNumber } from '../shared/format.ts';
import { RECORD_TYPES, RECORD_TYPE_LABELS } from '../standard/schema.ts';
import type { Organization } from '../organizations/service.ts';
import type { OrganizationProfile } from '../register/service.ts';

export function OrganizationFigures({ organization, profile }: { organization: Organization; profile: OrganizationProfile }) {
  if (profile.years.length === 0) return null;
  const years = [...new Set(profile.years.map((y) => y.year))].sort();
  const byYear = years.map((year) => {
    const rows = profile.years.filter((y) => y.year === year);
    return { year, amount: rows.reduce((s, r) => s + r.amount, 0), count: rows.reduce((s, r) => s + r.count, 0), quality: (level: string) => rows.filter((r) => r.quality === level).reduce((s, r) => s + r.count, 0) };
  });
  const byType = RECORD_TYPES.map((type) => {
    const rows = profile.years.filter((y) => y.type === type);
    return { type, count: rows.reduce((s, r) => s + r.count, 0), amount: rows.reduce((s, r) => s + r.amount, 0) };
  });
  const supplierTotal = profile.concentrationByYear.reduce((s, c) => s + c.total, 0);
  const largest = profile.suppliers[0];
  return (
    <section aria-labelledby="figures">
      <h2 id="figures">Výdaje a přehledy</h2>
      <div class="table-scroll" tabindex={0} role="region" aria-label="Záznamy podle typu">
        <table>
          <caption>Počty a částky podle typu záznamu (částky v Kč, s DPH, kde je uvedena)</caption>
          <thead>
            <tr>
              <th scope="col">Typ</th>
              <th scope="col" class="num">
                Počet
              </th>
              <th scope="col" class="num">
                Částka
              </th>
            </tr>
          </thead>
          <tbody>
            {byType.map((t) => (
              <tr>
                <th scope="row">{RECORD_TYPE_LABELS[t.type].many}</th>
                <td class="num">{formatNumber(t.count)}</td>
                <td class="num">{formatMoney(t.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <BarChart
        id="org-by-year"
        title="Částky podle roku (Kč)"
        summary={byYear.map((y) => `${y.year}: ${formatMoney(y.amount)} v ${formatNumber(y.count)} záznamech`).join('; ')}
        rows={byYear.map((y) => ({ label: y.year, value: y.amount, display: formatMoney(y.amount) }))}
      />
      <BarChart
        id="org-suppliers"
        title="Největší dodavatelé za všechny roky (Kč)"
        summary={profile.suppliers.map((s) => `${s.name}: ${formatMoney(s.amount)}`).join('; ')}
        rows={profile.suppliers.map((s) => ({ label: s.name, value: s.amount, display: formatMoney(s.amount) }))}
      />
      {largest && supplierTotal > 0 ? (
        <p>
          Největší dodavatel {largest.ico ? <a href={`/subjekt/${largest.ico}`}>{largest.name}</a> : largest.name} má {Math.round((largest.amount / supplierTotal) * 100)} % výdajů
          organizace u dodavatelů.
        </p>
      ) : null}
      <div class="table-scroll" tabindex={0} role="region" aria-label="Koncentrace a kvalita podle roku">
        <table>
          <caption>Koncentrace dodavatelů a úrovně kvality podle roku</caption>
          <thead>
            <tr>
              <th scope="col">Rok</th>
              <th scope="col" class="num">
                HHI
              </th>
              <th scope="col">Největší dodavatel</th>
              <th scope="col" class="num">
                Kvalita A
              </th>
              <th scope="col" class="num">
                Kvalita B
              </th>
              <th scope="col" class="num">
                Kvalita C
              </th>
            </tr>
          </thead>
          <tbody>
            {byYear.map((y) => {
              const c = profile.concentrationByYear.find((x) => x.year === y.year);
              return (
                <tr>
                  <th scope="row">{y.year}</th>
                  <td class="num">
                    {c && c.total > 0 ? formatNumber(c.hhi) : '—'}
                    {c?.highlyConcentrated ? (
                      <>
                        {' '}
                        <a class="flag sev-low" href="/metodika#dominant_supplier">
                          vysoká koncentrace
                        </a>
                      </>
                    ) : null}
                  </td>
                  <td>{c?.largest ? `${c.largest.name} (${Math.round(c.largestShare * 100)} %)` : '—'}</td>
                  <td class="num">{formatNumber(y.quality('A'))}</td>
                  <td class="num">{formatNumber(y.quality('B'))}</td>
                  <td class="num">{formatNumber(y.quality('C'))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p class="muted">
        HHI: Herfindahlův–Hirschmanův index podílů dodavatelů na výdajích {organization.name} v roce (0–10 000, nad 2 500 vysoká koncentrace). Viz{' '}
        <a href="/metodika">metodika</a>.
      </p>
    </section>
  );
}

export function EmbedCode({ organization, baseUrl }: { organization: Organization; baseUrl: string }) {
  const code = `<iframe src="${baseUrl}/embed/${organization.ico}?pocet=5" title="Nejnovější smlouvy, objednávky a faktury – ${organization.name}" width="100%" height="420" style="border:0"></iframe>`;
  return (
    <section aria-labelledby="embed">
      <h2 id="embed">Na web obce</h2>
      <p>
        Vložte tento kód na vlastní web a návštěvníci uvidí nejnovější záznamy. Parametr <code>pocet</code> (1–20) určuje počet a <code>typ</code> (smlouva, objednavka,
        faktura) druh záznamů. Widget nenačítá nic z cizích serverů.
      </p>
      <label for="embed-code">Kód pro vložení</label>
      <textarea id="embed-code" readonly rows={3} style="width:100%;font-family:monospace">
        {code}
      </textarea>
    </section>
  );
}
