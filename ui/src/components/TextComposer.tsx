// A text the caseworker writes on a case and sends as one command: an internal note
// or a message to the citizen. Ctrl+Enter (⌘+Enter) sends, Esc leaves the field;
// the text is kept until the command is queued, so nothing typed is lost on a
// refusal. `name` prefixes the ids and test ids (`note-input`, `message-submit`).
import { type FormEvent, type RefObject, useState } from "react";

interface Props {
  name: string;
  label: string;
  placeholder: string;
  submitLabel: string;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  /** Queues the trimmed text; resolves to whether it was queued. */
  onSend(text: string): Promise<boolean>;
}

export function TextComposer({ name, label, placeholder, submitLabel, inputRef, onSend }: Props) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    const ok = await onSend(text.trim());
    setBusy(false);
    if (ok) setText("");
  }

  return (
    <form className="note-form" onSubmit={submit}>
      <label htmlFor={`${name}-input`}>{label}</label>
      <textarea
        id={`${name}-input`}
        ref={inputRef}
        data-testid={`${name}-input`}
        rows={3}
        lang="de"
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          } else if (e.key === "Escape") {
            e.currentTarget.blur();
          }
        }}
      />
      <button type="submit" data-testid={`${name}-submit`} disabled={busy || !text.trim()}>
        {submitLabel}
      </button>
    </form>
  );
}
