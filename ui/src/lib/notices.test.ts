// Tests of the notice list: repeated texts, the limit, dismissing one.
import { describe, expect, it } from "vitest";
import { MAX_NOTICES, type Notice, withNotice, withoutNotice } from "./notices";

const notice = (id: number, text = `Hinweis ${id}`): Notice => ({ id, text });

describe("notices", () => {
  it("adds the newest last and moves a repeated text to the end", () => {
    let notices = withNotice(withNotice([], notice(1)), notice(2));
    notices = withNotice(notices, notice(3, "Hinweis 1"));
    expect(notices.map((n) => n.id)).toEqual([2, 3]);
  });

  it("keeps only the newest few", () => {
    let notices: Notice[] = [];
    for (let id = 1; id <= MAX_NOTICES + 2; id++) notices = withNotice(notices, notice(id));
    expect(notices).toHaveLength(MAX_NOTICES);
    expect(notices[0]!.id).toBe(3);
    expect(notices.at(-1)!.id).toBe(MAX_NOTICES + 2);
  });

  it("dismisses one by id", () => {
    const notices = [notice(1), notice(2)];
    expect(withoutNotice(notices, 1)).toEqual([notice(2)]);
    expect(withoutNotice(notices, 9)).toEqual(notices);
  });
});
