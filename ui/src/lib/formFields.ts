// Renders an application's form data by its service's field definitions: each value
// formatted for its field type, under the field's label, in the service's order.
import type { FormField, JsonValue, ServiceDefinition } from "../generated/bindings";
import { formatDate } from "./dates";

export interface FormEntry {
  key: string;
  label: string;
  value: string;
}

const NOT_GIVEN = "—";

function plain(value: JsonValue | undefined): string {
  if (value === null || value === undefined || value === "") return NOT_GIVEN;
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "Ja" : "Nein";
  if (typeof value === "number") return new Intl.NumberFormat("de-DE").format(value);
  return JSON.stringify(value);
}

/** One value formatted for its field type. */
export function formatFieldValue(field: FormField, value: JsonValue | undefined): string {
  if (value === null || value === undefined || value === "") return NOT_GIVEN;
  switch (field.type) {
    case "date":
      return typeof value === "string" ? formatDate(value) : plain(value);
    case "boolean":
      return value === true ? "Ja" : value === false ? "Nein" : plain(value);
    case "number":
      return typeof value === "number" ? new Intl.NumberFormat("de-DE").format(value) : plain(value);
    case "text":
    case "select":
      return plain(value);
  }
}

/**
 * The form data as label/value pairs: defined fields first in their order, then any
 * keys the definition does not know (an older form version), under their raw key.
 */
export function formEntries(
  data: Partial<Record<string, JsonValue>>,
  service: ServiceDefinition | null | undefined,
): FormEntry[] {
  const fields = service?.fields ?? [];
  const known = new Set(fields.map((f) => f.key));
  const entries = fields.map((field) => ({
    key: field.key,
    label: field.label,
    value: formatFieldValue(field, data[field.key]),
  }));
  for (const [key, value] of Object.entries(data)) {
    if (!known.has(key)) entries.push({ key, label: key, value: plain(value) });
  }
  return entries;
}

/** The label of a required-document key, e.g. "insurance" → "Haftpflichtversicherung". */
export function documentKindLabel(
  kind: string | null | undefined,
  service: ServiceDefinition | null | undefined,
): string | null {
  if (!kind) return null;
  return service?.required_documents.find((d) => d.key === kind)?.label ?? kind;
}
