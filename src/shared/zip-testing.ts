/**
 * A tiny ZIP writer for tests only. It writes whatever it is told, so tests can also build hostile archives:
 * `declaredSize` and `crc` replace the true values in both headers.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface TestZipEntry {
  name: string;
  data: Uint8Array | string;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
  declaredSize?: number;
  crc?: number;
}

export function makeZip(entries: TestZipEntry[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const item of entries) {
    const data = typeof item.data === 'string' ? new TextEncoder().encode(item.data) : item.data;
    const method = item.method === 'store' ? 0 : 8;
    const stored = method === 8 ? new Uint8Array(deflateRawSync(data)) : data;
    const name = new TextEncoder().encode(item.name);
    const fields = { crc: item.crc ?? crc32(data) >>> 0, compressed: stored.length, size: item.declaredSize ?? data.length };

    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(6, 0x800, true); // UTF-8 names
    local.setUint16(8, method, true);
    local.setUint32(14, fields.crc, true);
    local.setUint32(18, fields.compressed, true);
    local.setUint32(22, fields.size, true);
    local.setUint16(26, name.length, true);
    chunks.push(new Uint8Array(local.buffer), name, stored);

    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 20, true);
    header.setUint16(6, 20, true);
    header.setUint16(8, 0x800, true);
    header.setUint16(10, method, true);
    header.setUint32(16, fields.crc, true);
    header.setUint32(20, fields.compressed, true);
    header.setUint32(24, fields.size, true);
    header.setUint16(28, name.length, true);
    header.setUint32(42, offset, true);
    central.push(new Uint8Array(header.buffer), name);
    offset += 30 + name.length + stored.length;
  }
  const centralSize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return new Uint8Array(Buffer.concat([...chunks, ...central, new Uint8Array(end.buffer)]));
}
