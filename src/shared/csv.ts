/**
 * A streaming RFC 4180 CSV parser: quoted fields, doubled quotes, embedded line breaks, CRLF or LF.
 * It reports the physical line on which each record starts, so that errors can point at it.
 */

export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

export class CsvParser {
  private readonly delimiter: number;
  private readonly maxRecordChars: number;
  private field = '';
  private fields: string[] = [];
  private inQuotes = false;
  private quoteSeenInQuoted = false;
  private fieldStarted = false;
  private recordChars = 0;
  private recordFieldChars = 0;
  private line = 1;
  private recordLine = 1;
  private pendingCr = false;

  constructor(delimiter: string, maxRecordChars = 1_000_000) {
    this.delimiter = delimiter.charCodeAt(0);
    this.maxRecordChars = maxRecordChars;
  }

  /** Feeds decoded text; returns the records completed by it. */
  push(chunk: string): CsvRow[] {
    const rows: CsvRow[] = [];
    const length = chunk.length;
    let segmentStart = 0;
    let lastRecordEnd = -1;
    let i = 0;
    const flushSegment = (end: number) => {
      if (end > segmentStart) this.field += chunk.slice(segmentStart, end);
    };
    for (; i < length; i++) {
      const code = chunk.charCodeAt(i);
      if (this.pendingCr) {
        this.pendingCr = false;
        if (code === LF) {
          segmentStart = i + 1;
          continue;
        }
      }
      if (this.inQuotes) {
        if (code === QUOTE) {
          if (this.quoteSeenInQuoted) {
            // A doubled quote: keep one.
            this.quoteSeenInQuoted = false;
            segmentStart = i;
            continue;
          }
          flushSegment(i);
          this.quoteSeenInQuoted = true;
          segmentStart = i + 1;
          continue;
        }
        if (this.quoteSeenInQuoted) {
          // The closing quote was real: we are back outside quotes.
          this.quoteSeenInQuoted = false;
          this.inQuotes = false;
        } else {
          if (code === LF) this.line++;
          else if (code === CR && chunk.charCodeAt(i + 1) !== LF) this.line++;
          continue;
        }
      }
      if (code === this.delimiter) {
        flushSegment(i);
        this.endField();
        segmentStart = i + 1;
      } else if (code === LF || code === CR) {
        flushSegment(i);
        this.endField();
        this.endRecord(rows);
        lastRecordEnd = i;
        this.line++;
        this.recordLine = this.line;
        if (code === CR) this.pendingCr = true;
        segmentStart = i + 1;
      } else if (code === QUOTE && !this.fieldStarted && this.field === '' && i === segmentStart) {
        this.inQuotes = true;
        this.fieldStarted = true;
        segmentStart = i + 1;
      } else {
        this.fieldStarted = true;
      }
    }
    if (!(this.inQuotes && this.quoteSeenInQuoted)) flushSegment(i);
    this.recordChars = lastRecordEnd >= 0 ? length - lastRecordEnd - 1 : this.recordChars + length;
    if (this.recordChars > this.maxRecordChars && (this.fields.length > 0 || this.field.length > 0)) {
      throw new CsvSyntaxError(this.recordLine, `record starting on line ${this.recordLine} exceeds ${this.maxRecordChars} characters`);
    }
    return rows;
  }

  /** Ends the input; returns the last record if the file does not end with a line break. */
  end(): CsvRow[] {
    if (this.inQuotes && !this.quoteSeenInQuoted) {
      throw new CsvSyntaxError(this.recordLine, `unterminated quoted field starting on line ${this.recordLine}`);
    }
    const rows: CsvRow[] = [];
    if (this.field !== '' || this.fields.length > 0 || this.fieldStarted) {
      this.endField();
      this.endRecord(rows);
    }
    return rows;
  }

  private endField(): void {
    // A record that arrived whole within one chunk escapes the check at the end of push; count it here.
    this.recordFieldChars += this.field.length;
    if (this.recordFieldChars > this.maxRecordChars) {
      throw new CsvSyntaxError(this.recordLine, `record starting on line ${this.recordLine} exceeds ${this.maxRecordChars} characters`);
    }
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.inQuotes = false;
    this.quoteSeenInQuoted = false;
  }

  private endRecord(rows: CsvRow[]): void {
    const fields = this.fields;
    this.fields = [];
    this.recordChars = 0;
    this.recordFieldChars = 0;
    // A blank line is no record.
    if (fields.length === 1 && fields[0] === '') return;
    rows.push({ line: this.recordLine, fields });
  }
}

/** Picks the delimiter that splits the header line into the most columns. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const candidates = [',', ';', '\t'] as const;
  let best: ',' | ';' | '\t' = ',';
  let bestCount = -1;
  for (const candidate of candidates) {
    const count = headerLine.split(candidate).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

const NEEDS_QUOTES = /[",;\t\r\n]/;

export function csvField(value: string): string {
  if (value === '' || !NEEDS_QUOTES.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly string[], delimiter = ','): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += delimiter;
    line += csvField(values[i]!);
  }
  return line + '\r\n';
}
