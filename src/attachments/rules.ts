/**
 * What an uploaded attachment really is. The type comes from the bytes, never from the name: a file whose name
 * promises one type while its content is another is refused, and so is content of no accepted type. Pure.
 */

export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

interface KnownType {
  mediaType: string;
  label: string;
  extensions: readonly string[];
}

const TYPES: Record<string, KnownType> = {
  pdf: { mediaType: 'application/pdf', label: 'PDF', extensions: ['pdf'] },
  png: { mediaType: 'image/png', label: 'obrázek PNG', extensions: ['png'] },
  jpeg: { mediaType: 'image/jpeg', label: 'obrázek JPEG', extensions: ['jpg', 'jpeg'] },
  tiff: { mediaType: 'image/tiff', label: 'obrázek TIFF', extensions: ['tif', 'tiff'] },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'dokument Word', extensions: ['docx'] },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'sešit Excel', extensions: ['xlsx'] },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', label: 'dokument ODT', extensions: ['odt'] },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', label: 'sešit ODS', extensions: ['ods'] },
  doc: { mediaType: 'application/msword', label: 'dokument Word 97', extensions: ['doc', 'xls'] },
  text: { mediaType: 'text/plain; charset=utf-8', label: 'text', extensions: ['txt', 'csv'] },
  xml: { mediaType: 'application/xml', label: 'XML', extensions: ['xml', 'isdoc'] },
};

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) => signature.every((b, i) => bytes[offset + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) => Buffer.from(bytes.subarray(from, Math.min(to, bytes.length))).toString('latin1');

function zipKind(bytes: Uint8Array): KnownType | null {
  // Office Open XML and OpenDocument are ZIPs; the names near the start tell them apart without unpacking.
  const head = ascii(bytes, 0, 4096);
  if (head.startsWith('PK\u0003\u0004mimetype')) {
    if (head.includes('application/vnd.oasis.opendocument.text')) return TYPES.odt!;
    if (head.includes('application/vnd.oasis.opendocument.spreadsheet')) return TYPES.ods!;
    return null;
  }
  const names = ascii(bytes, 0, 64 * 1024);
  if (names.includes('word/')) return TYPES.docx!;
  if (names.includes('xl/')) return TYPES.xlsx!;
  return null;
}

function isUtf8Text(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 64 * 1024);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < bytes.length ? sample.subarray(0, sample.length - 4) : sample);
    return true;
  } catch {
    return false;
  }
}

export function sniffAttachment(bytes: Uint8Array): KnownType | null {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return TYPES.pdf!;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png!;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return TYPES.jpeg!;
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return TYPES.tiff!;
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return TYPES.doc!;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return zipKind(bytes);
  if (isUtf8Text(bytes)) {
    const head = ascii(bytes, 0, 512).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
    // Markup that a browser would run as a page is not an attachment of a record.
    if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<script') || head.startsWith('<svg')) return null;
    if (head.startsWith('<?xml')) return TYPES.xml!;
    return TYPES.text!;
  }
  return null;
}

export type AttachmentCheck = { ok: true; mediaType: string } | { ok: false; reason: string; logReason: string };

export function checkAttachment(name: string, bytes: Uint8Array): AttachmentCheck {
  if (bytes.length === 0) return { ok: false, reason: 'Soubor přílohy je prázdný.', logReason: 'empty attachment' };
  if (bytes.length > MAX_ATTACHMENT_BYTES) return { ok: false, reason: `Příloha je větší než ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`, logReason: 'attachment too large' };
  const actual = sniffAttachment(bytes);
  if (!actual) {
    return { ok: false, reason: 'Tento druh souboru nelze přiložit. Přiložit lze PDF, obrázky (PNG, JPEG, TIFF), dokumenty Word a ODT, sešity Excel a ODS, text a XML.', logReason: 'attachment of unaccepted content' };
  }
  const extension = /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase();
  if (extension && !actual.extensions.includes(extension)) {
    const claimed = Object.values(TYPES).find((t) => t.extensions.includes(extension));
    return {
      ok: false,
      reason: `Soubor „${name}“ se podle přípony vydává za ${claimed?.label ?? `.${extension}`}, ale obsahuje ${actual.label}. Opravte příponu nebo přiložte správný soubor.`,
      logReason: `attachment extension .${extension} does not match content ${actual.mediaType}`,
    };
  }
  return { ok: true, mediaType: actual.mediaType };
}
