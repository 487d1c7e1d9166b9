/** The record types of the standard. Apart from the schemas, so that code without zod (the export worker) can name them. */
export const RECORD_TYPES = ['smlouva', 'objednavka', 'faktura'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
