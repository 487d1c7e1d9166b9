/** @jsxImportSource hono/jsx */
/**
 * The by-hand form of a record, generated from the standard's field catalogue: Czech labels, the standard's help
 * text and rule, the validator's own messages at each field, and a summary of problems that links to them.
 * Everything works without JavaScript: extra party slots, the IČO look-up and attachment upload are submit buttons.
 */
import type { ValidationIssue } from '../../standard/validate.ts';
import { RECORD_TYPE_LABELS, RECORD_TYPES, type RecordType } from '../../standard/schema.ts';
import type { RecordDetail } from '../../register/service.ts';
import type { RedFlag } from '../../register/red-flags.ts';
import { formFields, issuesByInput, type FormField, type FormSlots } from '../../workspace/form.ts';
import { RecordBody } from '../pages.tsx';
import { CsrfField, Notice, WsLayout } from './layout.tsx';
import type { SignedIn } from '../../accounts/service.ts';
import type { Organization } from '../../organizations/service.ts';
import type { Access } from '../../accounts/rules.ts';

export interface FormPageProps {
  signedIn: SignedIn;
  organization: Organization;
  access: Access;
  type: RecordType;
  values: Record<string, string>;
  slots: FormSlots;
  issues: ValidationIssue[];
  correcting?: string;
  draftId?: number;
  note?: string;
  notice?: string;
  /** A correction's hidden values (birth numbers): kept unless their checkbox is ticked. */
  hidden?: HiddenField[];
  preview?: { detail: RecordDetail; flags: RedFlag[] };
}

export interface HiddenField {
  /** The checkbox's name. */
  name: string;
  label: string;
  drop: boolean;
}

const inputId = (name: string) => `f-${name.replace(/\./g, '-')}`;
const LONG_TEXT = new Set(['predmet', 'poznamka', 'duvodNeuvedeniCeny']);

function FieldInput({ field, value, problems }: { field: FormField; value: string; problems: ValidationIssue[] }) {
  const id = inputId(field.name);
  const help = `${id}-napoveda`;
  const errorId = `${id}-chyba`;
  const describedBy = [problems.length > 0 ? errorId : null, help].filter(Boolean).join(' ');
  const common = { id, name: field.name, 'aria-describedby': describedBy, 'aria-invalid': problems.some((p) => p.severity === 'error') ? 'true' : undefined };
  let control;
  if (field.kind === 'enum' || field.kind === 'boolean') {
    const options = field.kind === 'boolean' ? [['true', 'ano'], ['false', 'ne']] : (field.values ?? []).map((v) => [v, v]);
    control = (
      <select {...common}>
        <option value="">—</option>
        {options.map(([v, label]) => (
          <option value={v} selected={v === value}>
            {label}
          </option>
        ))}
      </select>
    );
  } else if (LONG_TEXT.has(field.name)) {
    control = <textarea {...common} rows={3}>{value}</textarea>;
  } else {
    const type = field.kind === 'date' ? 'date' : field.kind === 'url' ? 'url' : 'text';
    control = <input {...common} type={type} value={value} inputmode={field.kind === 'amount' ? 'decimal' : undefined} />;
  }
  return (
    <div class={`ws-field${problems.length > 0 ? ' has-problem' : ''}`}>
      <label for={id}>
        {field.title}
        {field.required ? <span class="req"> (povinné)</span> : null}
      </label>
      {problems.length > 0 ? (
        <p id={errorId} class="field-problem">
          {problems.map((p) => (
            <span>
              {p.severity === 'error' ? 'Chyba: ' : 'Varování: '}
              {p.message}{' '}
            </span>
          ))}
        </p>
      ) : null}
      {control}
      <span id={help} class="hint">
        {field.description} ({field.rule})
      </span>
    </div>
  );
}

export function FormPage(props: FormPageProps) {
  const o = props.organization;
  const fields = formFields(props.type, props.slots);
  const byInput = issuesByInput(props.issues, fields);
  const errors = props.issues.filter((i) => i.severity === 'error');
  const warnings = props.issues.filter((i) => i.severity === 'warning');
  const plain = fields.filter((f) => f.list === null && f.name !== 'id');
  const idField = fields.find((f) => f.name === 'id')!;
  const slotsOf = (list: 'strany' | 'prilohy') => [...new Set(fields.filter((f) => f.list === list).map((f) => f.slot!))];
  const title = props.correcting ? `Opravit: ${props.values.predmet ?? props.correcting}` : `Nový záznam: ${RECORD_TYPE_LABELS[props.type].one}`;
  const action = `/sprava/${o.ico}/formular/${props.type}`;
  const fieldLink = (name: string) => `#${inputId(name || 'id')}`;
  return (
    <WsLayout title={title} signedIn={props.signedIn} organization={o} access={props.access} current={props.correcting ? undefined : `/sprava/${o.ico}/novy/smlouva`}>
      <h1>{title}</h1>
      {!props.correcting ? (
        <p>
          Typ záznamu:{' '}
          {RECORD_TYPES.map((t, i) => (
            <>
              {i > 0 ? ' · ' : ''}
              {t === props.type ? <strong>{RECORD_TYPE_LABELS[t].one}</strong> : <a href={`/sprava/${o.ico}/novy/${t}`}>{RECORD_TYPE_LABELS[t].one}</a>}
            </>
          ))}
        </p>
      ) : (
        <p>Oprava se zveřejní jako nová verze záznamu; předchozí verze zůstanou veřejně v historii.</p>
      )}
      <Notice message={props.notice} />
      {errors.length > 0 ? (
        <div class="banner error" role="alert" aria-labelledby="souhrn-chyb">
          <h2 id="souhrn-chyb" style="margin-top:0">
            Záznam nelze zveřejnit: {errors.length === 1 ? '1 chyba' : errors.length < 5 ? `${errors.length} chyby` : `${errors.length} chyb`}
          </h2>
          <ul>
            {errors.map((e) => (
              <li>
                <a href={fieldLink(fields.some((f) => f.name === e.path) ? e.path : (fields.find((f) => f.name.startsWith(`${e.path}.`))?.name ?? ''))}>
                  {fields.find((f) => f.name === e.path)?.title ?? (e.path || 'Záznam')}
                </a>
                : {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {props.preview ? (
        <section class="preview" aria-labelledby="nahled">
          <h2 id="nahled">Náhled: takto záznam uvidí veřejnost</h2>
          <p class="banner" role="note">
            Náhled – záznam zatím není zveřejněn.{warnings.length > 0 ? ` Varování: ${warnings.map((w) => w.message).join(' ')}` : ''}
          </p>
          <div class="preview-body">
            <RecordBody detail={props.preview.detail} flags={props.preview.flags} links={{ from: [], to: [] }} />
          </div>
        </section>
      ) : null}
      <form method="post" action={action} enctype="multipart/form-data" class="ws-form record-form" novalidate data-check={`/sprava/${o.ico}/kontrola/${props.type}`}>
        <CsrfField token={props.signedIn.csrfToken} />
        {/* Enter in a field previews; without this the first button of the form (an IČO look-up) would answer it. */}
        <button type="submit" name="_akce" value="nahled" class="visually-hidden" tabindex={-1}>
          Náhled
        </button>
        {props.correcting ? <input type="hidden" name="_oprava" value={props.correcting} /> : null}
        {props.draftId !== undefined ? <input type="hidden" name="_koncept" value={String(props.draftId)} /> : null}
        <fieldset>
          <legend>Základní údaje</legend>
          {props.correcting ? (
            <div class="ws-field">
              <label for={inputId('id')}>{idField.title}</label>
              <input id={inputId('id')} name="id" value={props.values.id ?? props.correcting} readonly aria-describedby={`${inputId('id')}-napoveda`} />
              <span id={`${inputId('id')}-napoveda`} class="hint">
                Identifikátor opravovaného záznamu se nemění.
              </span>
            </div>
          ) : (
            <FieldInput field={idField} value={props.values.id ?? ''} problems={byInput.get('id') ?? []} />
          )}
          {plain.map((field) => (
            <FieldInput field={field} value={props.values[field.name] ?? ''} problems={byInput.get(field.name) ?? []} />
          ))}
        </fieldset>
        {slotsOf('strany').map((slot) => (
          <fieldset>
            <legend>Smluvní strana {slot}</legend>
            {fields
              .filter((f) => f.list === 'strany' && f.slot === slot)
              .map((field) => (
                <FieldInput field={field} value={props.values[field.name] ?? ''} problems={byInput.get(field.name) ?? []} />
              ))}
            <button type="submit" name="_akce" value={`doplnit-${slot}`} class="secondary">
              Doplnit stranu {slot} podle IČO
            </button>
          </fieldset>
        ))}
        <p>
          <button type="submit" name="_akce" value="pridat-stranu" class="secondary">
            Přidat další smluvní stranu
          </button>
        </p>
        {slotsOf('prilohy').map((slot) => (
          <fieldset>
            <legend>Příloha {slot}</legend>
            {fields
              .filter((f) => f.list === 'prilohy' && f.slot === slot)
              .map((field) => (
                <FieldInput field={field} value={props.values[field.name] ?? ''} problems={byInput.get(field.name) ?? []} />
              ))}
            {props.values[`prilohy.${slot}.sha256`] ? (
              <p>
                <a href={`/sprava/${o.ico}/prilohy/${props.values[`prilohy.${slot}.sha256`]}`}>Otevřít nahraný soubor</a>
              </p>
            ) : null}
          </fieldset>
        ))}
        <fieldset>
          <legend>Nahrát přílohu</legend>
          <div class="ws-field">
            <label for="f-priloha">Soubor přílohy</label>
            <input id="f-priloha" name="_priloha" type="file" aria-describedby="f-priloha-napoveda" />
            <span id="f-priloha-napoveda" class="hint">
              PDF, obrázek, dokument nebo tabulka do 25 MB. Typ se pozná z obsahu souboru; soubor, jehož přípona neodpovídá obsahu, se odmítne. Příloha se uloží i s otiskem SHA-256.
            </span>
          </div>
          <button type="submit" name="_akce" value="priloha" class="secondary">
            Nahrát přílohu
          </button>
        </fieldset>
        {props.hidden && props.hidden.length > 0 ? (
          <fieldset>
            <legend>Skryté osobní údaje</legend>
            <p class="muted">Rodná čísla se nezobrazují ani tady. Oprava je zachová, pokud strana zůstane na svém místě se stejným názvem a pole necháte prázdné.</p>
            {props.hidden.map((item) => (
              <p class="check">
                <input type="checkbox" id={inputId(item.name)} name={item.name} value="1" checked={item.drop} /> <label for={inputId(item.name)}>{item.label}</label>
              </p>
            ))}
          </fieldset>
        ) : null}
        {props.correcting ? (
          <div class="ws-field">
            <label for="f-poznamka-opravy">Poznámka k opravě (nepovinná, zveřejní se u verze)</label>
            <textarea id="f-poznamka-opravy" name="_poznamka" rows={2}>
              {props.note ?? ''}
            </textarea>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" name="_akce" value="nahled" class="secondary">
            Náhled
          </button>
          {!props.correcting ? (
            <button type="submit" name="_akce" value="koncept" class="secondary">
              Uložit koncept
            </button>
          ) : null}
          <button type="submit" name="_akce" value="zverejnit">
            {props.correcting ? 'Zveřejnit opravu' : 'Zveřejnit'}
          </button>
          {props.draftId !== undefined && !props.correcting ? (
            <>
              {' '}
              <a href={`/sprava/${props.organization.ico}/koncepty/${props.draftId}/zahodit`}>Zahodit koncept…</a>
            </>
          ) : null}
        </div>
      </form>
    </WsLayout>
  );
}
