/**
 * Czech messages of the standard's validation, keyed by stable issue codes.
 * The same code appears in API responses, reports and logs; the message is what a clerk reads.
 */
export const ISSUE_MESSAGES = {
  // errors: the record is rejected
  missing_field: 'Povinné pole chybí.',
  unknown_field: 'Neznámé pole: standard je nezná (zkontrolujte překlep v názvu).',
  invalid_type: 'Hodnota má špatný typ.',
  invalid_text: 'Text nesmí být prázdný ani příliš dlouhý.',
  invalid_date: 'Datum musí být platné datum ve tvaru RRRR-MM-DD (např. 2024-03-15).',
  invalid_amount: 'Částka musí být číslo s nejvýše dvěma desetinnými místy a desetinnou tečkou, zapsané jako text (např. "12500.50").',
  negative_amount: 'Částka nesmí být záporná (záporné částky jsou dovoleny jen u faktur – dobropisů).',
  invalid_currency: 'Měna musí být třípísmenný kód podle ISO 4217 (např. CZK, EUR).',
  invalid_value: 'Hodnota není jednou z povolených.',
  invalid_record_type: 'Typ záznamu musí být smlouva, objednavka nebo faktura.',
  invalid_url: 'Odkaz musí být úplná adresa začínající http:// nebo https://.',
  invalid_sha256: 'Otisk SHA-256 musí mít 64 šestnáctkových znaků.',
  invalid_media_type: 'Typ média musí mít tvar typ/podtyp (např. application/pdf).',
  invalid_budget_code: 'Kód rozpočtové skladby má 4 číslice.',
  invalid_boolean: 'Hodnota musí být ano/ne (true/false).',
  price_reason_missing: 'Je-li cena neuvedena, uveďte důvod jejího neuvedení.',
  at_least_one_party: 'Záznam musí mít alespoň jednu smluvní stranu.',
  not_an_object: 'Záznam musí být objekt JSON.',
  invalid_json: 'Řádek není platný JSON.',
  extra_fields: 'Řádek má více hodnot, než má hlavička sloupců.',
  publisher_not_permitted: 'Záznam zveřejnil jiný subjekt, než za který tento účet publikuje; nahrajte jen záznamy své organizace.',
  publisher_unknown: 'Zveřejňující subjekt nemá platné IČO ani známou datovou schránku, záznam nelze přiřadit organizaci.',
  // warnings: the record is kept and flagged
  ico_checksum: 'IČO nemá platnou kontrolní číslici.',
  ico_format: 'IČO musí mít 8 číslic; zahraniční identifikátor uveďte v poli zahranicniId.',
  birth_number: 'V poli identifikátoru je rodné číslo. Je uloženo jako osobní údaj a nikdy se nezveřejní.',
  party_unidentified: 'Smluvní strana nemá IČO, zahraniční identifikátor ani označení fyzické osoby.',
  dic_format: 'DIČ nemá platný tvar (CZ a 8–10 číslic, nebo zahraniční DIČ s kódem země).',
  data_box_format: 'Identifikátor datové schránky má 7 znaků (malá písmena a číslice).',
  vat_inconsistent: 'Částky bez DPH a s DPH neodpovídají žádné sazbě DPH platné v Česku.',
  vat_reversed: 'Částka s DPH je nižší než částka bez DPH.',
  dates_out_of_order: 'Data jdou v nelogickém pořadí.',
  price_missing: 'Cena není uvedena a chybí příznak cenaNeuvedena s důvodem.',
  price_flag_with_amount: 'Záznam má příznak cenaNeuvedena, a přesto uvádí částku.',
} as const;

export type IssueCode = keyof typeof ISSUE_MESSAGES;

const BY_MESSAGE = new Map<string, IssueCode>(
  Object.entries(ISSUE_MESSAGES).map(([code, message]) => [message, code as IssueCode]),
);

export function issueCodeOfMessage(message: string): IssueCode | undefined {
  return BY_MESSAGE.get(message);
}
