/**
 * Validators for the official schemas in ../shared/fixtures (DCAT-AP-CZ 2024-05-28, OCDS 1.1.5), for tests only.
 * Callers skip with a notice when the folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';

const addFormats = addFormatsImport as unknown as typeof addFormatsImport.default;

export const FIXTURES = new URL('../../../shared/fixtures/', import.meta.url).pathname;
const DCAT = `${FIXTURES}dcat-ap-cz/`;
const OCDS = `${FIXTURES}ocds/schema-1.1.5/`;

export const hasDcatSchemas = existsSync(DCAT);
export const hasOcdsSchemas = existsSync(OCDS);

const load = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { $id?: string; id?: string };

export function dcatValidators(): { catalog: ValidateFunction; dataset: ValidateFunction } {
  // The schemas' regular expressions use `\:`, which Unicode mode refuses; their ids hold diacritics, which Ajv
  // resolves percent-encoded, so they are registered under the encoded form.
  const ajv = new Ajv2020({ unicodeRegExp: false, allErrors: true });
  addFormats(ajv, ['date']);
  ajv.addFormat('iri', true);
  ajv.addKeyword('name');
  ajv.addKeyword('example');
  for (const file of ['text.json', 'více-textů.json']) {
    const { $schema: _draft, ...schema } = load(`${DCAT}základní-datové-typy-2020-07-01/${file}`);
    ajv.addSchema(schema, encodeURI(schema.$id!));
  }
  const dataset = load(`${DCAT}dcat-ap-cz-ofn-2024-05-28/schémata_datová-sada.json`);
  ajv.addSchema(dataset, encodeURI(dataset.$id!));
  return { catalog: ajv.compile(load(`${DCAT}dcat-ap-cz-ofn-2024-05-28/schémata_katalog.json`)), dataset: ajv.getSchema(encodeURI(dataset.$id!))! };
}

/** OCDS schemas are draft-04 (`id`, not `$id`); their keywords are the same in Ajv's default draft otherwise. */
function draft04(schema: Record<string, unknown>): AnySchemaObject {
  const { $schema: _draft, id, ...rest } = schema;
  return { $id: id as string, ...rest };
}

export function ocdsValidators(): { releasePackage: ValidateFunction; recordPackage: ValidateFunction } {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, keywords: ['codelist', 'openCodelist', 'omitWhenMerged', 'wholeListMerge', 'versionId'] });
  addFormats(ajv);
  for (const file of ['release-schema.json', 'versioned-release-validation-schema.json']) ajv.addSchema(draft04(load(`${OCDS}${file}`)));
  return { releasePackage: ajv.compile(draft04(load(`${OCDS}release-package-schema.json`))), recordPackage: ajv.compile(draft04(load(`${OCDS}record-package-schema.json`))) };
}
