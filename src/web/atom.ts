/** Atom 1.0 feeds (RFC 4287) of search results: one entry per record, newest first. */
import { formatMoney, formatDate } from '../shared/format.ts';
import { RECORD_TYPE_LABELS } from '../standard/schema.ts';
import { recordPath } from '../api/present.ts';
import type { SearchHit } from '../register/search-service.ts';
import { RED_FLAGS } from '../register/red-flags.ts';

function xml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

function amount(hit: SearchHit): string {
  if (hit.amountWithVat !== null) return `${formatMoney(hit.amountWithVat, hit.currency)} s DPH`;
  if (hit.amountWithoutVat !== null) return `${formatMoney(hit.amountWithoutVat, hit.currency)} bez DPH`;
  return 'cena neuvedena';
}

export function atomFeed(options: { baseUrl: string; selfPath: string; pagePath: string; title: string; hits: SearchHit[] }): string {
  const { baseUrl, hits } = options;
  const updated = hits.reduce((latest, hit) => (hit.updatedAt > latest ? hit.updatedAt : latest), '1970-01-01T00:00:00.000Z');
  const entries = hits.map((hit) => {
    const url = baseUrl + recordPath(hit.organizationIco, hit.id);
    const summary = [
      `${RECORD_TYPE_LABELS[hit.type].one} ze dne ${formatDate(hit.date)}, ${amount(hit)}.`,
      `Organizace: ${hit.organizationName}.`,
      hit.parties.length > 0 ? `Strany: ${hit.parties.map((p) => p.name).join(', ')}.` : '',
      hit.flags.length > 0 ? `Varovné signály: ${hit.flags.map((f) => RED_FLAGS[f].title).join(', ')}.` : '',
    ]
      .filter(Boolean)
      .join(' ')
      .replace(/\.\./g, '.');
    return `  <entry>
    <id>${xml(`${url}#v${hit.version}`)}</id>
    <title>${xml(hit.subject)}</title>
    <link rel="alternate" type="text/html" href="${xml(url)}"/>
    <published>${xml(hit.firstPublishedAt)}</published>
    <updated>${xml(hit.updatedAt)}</updated>
    <author><name>${xml(hit.organizationName)}</name></author>
    <summary>${xml(summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cs">
  <id>${xml(baseUrl + options.selfPath)}</id>
  <title>${xml(options.title)}</title>
  <subtitle>Otevřená města: nové smlouvy, objednávky a faktury</subtitle>
  <link rel="self" type="application/atom+xml" href="${xml(baseUrl + options.selfPath)}"/>
  <link rel="alternate" type="text/html" href="${xml(baseUrl + options.pagePath)}"/>
  <updated>${xml(updated)}</updated>
${entries.join('\n')}
</feed>
`;
}
