// Tests of rendering form data by field type.
import { describe, expect, it } from "vitest";
import type { ServiceDefinition } from "../generated/bindings";
import { documentKindLabel, formEntries } from "./formFields";

const dogs: ServiceDefinition = {
  id: "HU",
  name: "Hundeanmeldung",
  description: "",
  fields: [
    { key: "dog_name", label: "Name des Hundes", type: "text", max_len: 60, required: true },
    { key: "listed_breed", label: "Gelistete Rasse", type: "boolean", required: true },
    { key: "born", label: "Geburtsdatum", type: "date", required: false },
    { key: "weight", label: "Gewicht (kg)", type: "number", min: 0, max: 120, required: false },
    { key: "colour", label: "Farbe", type: "select", options: ["braun", "schwarz"], required: false },
  ],
  required_documents: [{ key: "insurance", label: "Haftpflichtversicherung", when: null }],
  law: {
    matter: "Anmeldung eines Hundes",
    matter_genus: "feminine",
    basis: "Hundesteuersatzung",
    remedy: "widerspruch",
    procedure: "abgaben",
    delivery: "post_or_portal",
    unanswered_request: { type: "decide_on_record" },
    answer_period: "2w",
    outcomes: [{ outcome: "receipted" }],
  },
  processing_period: "14d",
};

describe("formEntries", () => {
  it("formats values by field type in the service's order", () => {
    const entries = formEntries(
      { weight: 23.5, born: "2021-04-30", listed_breed: false, dog_name: "Bello", colour: "braun" },
      dogs,
    );
    expect(entries).toEqual([
      { key: "dog_name", label: "Name des Hundes", value: "Bello" },
      { key: "listed_breed", label: "Gelistete Rasse", value: "Nein" },
      { key: "born", label: "Geburtsdatum", value: "30.04.2021" },
      { key: "weight", label: "Gewicht (kg)", value: "23,5" },
      { key: "colour", label: "Farbe", value: "braun" },
    ]);
  });

  it("marks missing values and keeps unknown keys", () => {
    const entries = formEntries({ dog_name: "Rex", chip: "276098106543210" }, dogs);
    expect(entries.find((e) => e.key === "born")?.value).toBe("—");
    expect(entries.at(-1)).toEqual({ key: "chip", label: "chip", value: "276098106543210" });
  });

  it("shows raw values without a service definition", () => {
    expect(formEntries({ a: true, b: 1200 }, null)).toEqual([
      { key: "a", label: "a", value: "Ja" },
      { key: "b", label: "b", value: "1.200" },
    ]);
  });

  it("names required-document kinds", () => {
    expect(documentKindLabel("insurance", dogs)).toBe("Haftpflichtversicherung");
    expect(documentKindLabel("other", dogs)).toBe("other");
    expect(documentKindLabel(null, dogs)).toBeNull();
  });
});
