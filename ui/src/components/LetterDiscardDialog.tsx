// Asks before a letter being prepared is left (closed, or left for another case, a
// document or the other letter): an edited Bescheid or a hearing already written
// would be lost.
import type { DraftLetter } from "../lib/deskPanels";
import { ConfirmDialog } from "./ModalDialog";

interface Props {
  /** Which letter is being prepared. */
  letter: DraftLetter;
  onDiscard(): void;
  onKeepEditing(): void;
}

export function LetterDiscardDialog({ letter, onDiscard, onKeepEditing }: Props) {
  const hearing = letter === "hearing";
  return (
    <ConfirmDialog
      id="letter-discard"
      testId="letter-discard-dialog"
      title={hearing ? "Angefangene Anhörung verwerfen?" : "Geänderten Bescheid verwerfen?"}
      confirmLabel="Verwerfen"
      confirmTestId="letter-discard"
      cancelLabel="Weiter bearbeiten"
      tone="danger"
      onConfirm={onDiscard}
      onCancel={onKeepEditing}
    >
      <p>{hearing ? "Ihre Angaben zur Anhörung gehen verloren." : "Ihre Änderungen am Bescheidtext gehen verloren."}</p>
    </ConfirmDialog>
  );
}
