/**
 * Compiles OCDS releases into one compiled release, after the standard's merge routine: releases in date order;
 * objects merge field by field; arrays of objects that carry `id` merge item by item (identity merge); any other
 * array, and any other value, is replaced by the later release; `null` removes the field. Pure.
 */
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function identified(list: unknown[]): list is Json[] {
  return list.length > 0 && list.every((item) => isObject(item) && (typeof item.id === 'string' || typeof item.id === 'number'));
}

function mergeValue(previous: unknown, next: unknown): unknown {
  if (isObject(next)) return mergeObject(isObject(previous) ? previous : {}, next);
  if (Array.isArray(next) && identified(next)) {
    const merged: Json[] = Array.isArray(previous) && identified(previous) ? previous.map((item) => ({ ...item })) : [];
    for (const item of next) {
      const at = merged.findIndex((existing) => String(existing.id) === String(item.id));
      if (at >= 0) merged[at] = mergeObject(merged[at]!, item);
      else merged.push(mergeObject({}, item));
    }
    return merged;
  }
  return next;
}

function mergeObject(previous: Json, next: Json): Json {
  const merged: Json = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    if (value === null) delete merged[key];
    else merged[key] = mergeValue(previous[key], value);
  }
  return merged;
}

export function compileReleases(releases: readonly Json[]): Json {
  const ordered = [...releases].sort((a, b) => String(a.date).localeCompare(String(b.date)));
  let compiled: Json = {};
  for (const release of ordered) {
    const { tag: _tag, id: _id, ...rest } = release;
    compiled = mergeObject(compiled, rest);
  }
  const last = ordered[ordered.length - 1]!;
  return { ...compiled, id: `${String(last.ocid)}-${String(last.date)}`, date: last.date, tag: ['compiled'] };
}

/** The stages a compiled release covers, in lifecycle order. */
export function stagesOf(compiled: Json): string[] {
  const stages: string[] = [];
  if (isObject(compiled.planning)) stages.push('planning');
  if (isObject(compiled.tender)) stages.push('tender');
  if (Array.isArray(compiled.awards) && compiled.awards.length > 0) stages.push('award');
  const contracts = Array.isArray(compiled.contracts) ? (compiled.contracts as Json[]) : [];
  if (contracts.length > 0) stages.push('contract');
  if (contracts.some((c) => isObject(c.implementation) && Object.keys(c.implementation).length > 0)) stages.push('implementation');
  return stages;
}
