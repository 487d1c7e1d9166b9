/**
 * Turns bytes of an uploaded text file into text: UTF-8 (with or without BOM) or windows-1250,
 * sniffed from the start of the file. Binary and UTF-16 files are refused as unreadable.
 */
import { AppError } from '../errors.ts';

export type TextEncodingName = 'utf-8' | 'windows-1250';

const SNIFF_BYTES = 64 * 1024;

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // A multi-byte sequence cut at the end of the sample is fine: stream mode leaves it pending.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function sniffEncoding(sample: Uint8Array): TextEncodingName {
  if (sample.length >= 2 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) {
    throw new AppError('unreadable_input', 'Soubor je v kódování UTF-16. Uložte jej prosím v UTF-8 nebo windows-1250.', 'UTF-16 input is not supported');
  }
  if (sample.includes(0)) {
    throw new AppError('unreadable_input', 'Soubor není textový (obsahuje binární data). Nahrajte CSV, JSON nebo NDJSON.', 'binary input (NUL byte)');
  }
  return isUtf8(sample) ? 'utf-8' : 'windows-1250';
}

export interface DecodedText {
  encoding: TextEncodingName;
  chunks: AsyncGenerator<string>;
}

async function* toChunks(source: AsyncIterable<Uint8Array> | Uint8Array): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  yield* source;
}

/** Decodes a byte stream; the encoding is fixed by the first 64 KiB. */
export async function decodeText(source: AsyncIterable<Uint8Array> | Uint8Array): Promise<DecodedText> {
  const iterator = toChunks(source);
  const head: Uint8Array[] = [];
  let headLength = 0;
  let done = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const sample = Buffer.concat(head);
  const encoding = sniffEncoding(sample.subarray(0, SNIFF_BYTES));
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: false });
  async function* chunks(): AsyncGenerator<string> {
    let offset = 0;
    const decode = (bytes: Uint8Array, stream: boolean): string => {
      try {
        return decoder.decode(bytes, { stream });
      } catch {
        throw new AppError(
          'unreadable_input',
          'Soubor obsahuje neplatné znaky UTF-8 (poškozené kódování). Uložte jej znovu v UTF-8 nebo windows-1250.',
          `invalid UTF-8 near byte ${offset}`,
        );
      }
    };
    yield decode(sample, !done);
    offset += sample.length;
    if (!done) {
      for await (const chunk of iterator) {
        yield decode(chunk, true);
        offset += chunk.length;
      }
      const tail = decode(new Uint8Array(), false);
      if (tail) yield tail;
    }
  }
  return { encoding, chunks: chunks() };
}
