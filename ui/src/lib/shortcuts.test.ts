// Tests of the shortcut dispatch, above all that typing never triggers a shortcut.
import { describe, expect, it } from "vitest";
import { SHORTCUTS, isTypingTarget, shortcutFor } from "./shortcuts";

function press(key: string, target: EventTarget | null = document.body, extra: Partial<KeyboardEventInit> = {}) {
  return shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, target, ...extra });
}

describe("shortcuts", () => {
  it("maps every documented key", () => {
    expect(press("j")).toBe("next");
    expect(press("ArrowDown")).toBe("next");
    expect(press("k")).toBe("previous");
    expect(press("ArrowUp")).toBe("previous");
    expect(press("Enter")).toBe("open");
    expect(press("Escape")).toBe("close");
    expect(press("/")).toBe("focusSearch");
    expect(press("c")).toBe("claim");
    expect(press("n")).toBe("focusNote");
    expect(press("a")).toBe("accept");
    expect(press("r")).toBe("reject");
    expect(press("[")).toBe("previousDocument");
    expect(press("]")).toBe("nextDocument");
    expect(press("b")).toBe("letter");
    expect(press(" ")).toBe("toggleSelect");
    expect(press("?")).toBe("toggleHelp");
    expect(press("x")).toBeNull();
  });

  it("lists every action once in the overview", () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
  });

  it("ignores keys typed into fields", () => {
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    const select = document.createElement("select");
    const editable = document.createElement("div");
    editable.setAttribute("contenteditable", "true");
    const inside = document.createElement("span");
    editable.append(inside);
    for (const target of [input, textarea, select, inside]) {
      expect(isTypingTarget(target)).toBe(true);
      expect(press("j", target)).toBeNull();
      expect(press("a", target)).toBeNull();
      expect(press("Escape", target)).toBeNull();
    }
  });

  it("still works on checkboxes and buttons, except Enter on a button", () => {
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    const button = document.createElement("button");
    expect(press("j", checkbox)).toBe("next");
    expect(press("c", button)).toBe("claim");
    expect(press("Enter", button)).toBeNull();
    expect(press("Enter", document.body)).toBe("open");
    expect(press(" ", button)).toBeNull();
    expect(press(" ", checkbox)).toBeNull();
  });

  it("leaves Ctrl and Cmd combinations to the system but accepts AltGr", () => {
    expect(press("c", document.body, { ctrlKey: true })).toBeNull();
    expect(press("a", document.body, { metaKey: true })).toBeNull();
    expect(press("]", document.body, { ctrlKey: true, altKey: true })).toBe("nextDocument");
  });

  it("ignores events a component already handled", () => {
    expect(
      shortcutFor({ key: "j", ctrlKey: false, metaKey: false, altKey: false, target: null, defaultPrevented: true }),
    ).toBeNull();
  });
});
