/** Which importer takes an uploaded file. Pure. */

export type UploadKind = 'table' | 'isdoc' | 'registr-smluv';

export const UPLOAD_KIND_LABELS: Record<UploadKind, string> = {
  table: 'tabulka podle standardu (CSV, XLSX)',
  isdoc: 'faktury ISDOC',
  'registr-smluv': 'export z registru smluv (XML)',
};

export function uploadKind(fileName: string, bytes: Uint8Array): UploadKind | null {
  const name = fileName.toLowerCase();
  if (/\.(csv|tsv|txt|xlsx)$/.test(name)) return 'table';
  if (/\.(isdoc|isdocx)$/.test(name)) return 'isdoc';
  if (/\.xml(\.gz)?$/.test(name)) {
    // An ISDOC invoice is XML too; its root element names it.
    const head = Buffer.from(bytes.subarray(0, 2048)).toString('utf8');
    return /<Invoice[\s>]/.test(head) && head.includes('isdoc') ? 'isdoc' : 'registr-smluv';
  }
  if (name.endsWith('.zip')) return 'isdoc';
  return null;
}
