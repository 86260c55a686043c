// The saved views with their counts, as the desk's navigation.
import { memo } from "react";
import { VIEW_KEYS, VIEW_LABELS, type ViewKey } from "../lib/inboxQuery";
import "./ViewNav.css";

interface Props {
  active: ViewKey | null;
  counts: number[] | null;
  onSelect(view: ViewKey): void;
}

export const ViewNav = memo(function ViewNav({ active, counts, onSelect }: Props) {
  return (
    <nav className="views" aria-label="Ansichten">
      <h2 className="nav-title">Posteingang</h2>
      <ul>
        {VIEW_KEYS.map((key, i) => {
          const count = counts?.[i];
          return (
            <li key={key}>
              <button
                type="button"
                data-testid={`view-${key}`}
                className={`view${active === key ? " active" : ""}${key === "problems" && count ? " has-problems" : ""}`}
                aria-current={active === key ? "page" : undefined}
                onClick={() => onSelect(key)}
              >
                <span className="view-label">{VIEW_LABELS[key]}</span>
                <span className="view-count" data-testid="view-count">
                  {count ?? <span className="sr-only">wird gezählt</span>}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
});
