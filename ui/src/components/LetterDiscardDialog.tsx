// Asks before an edited Bescheid is left (closed, or left for another case or
// document): its changes would be lost.
import { ConfirmDialog } from "./ModalDialog";

interface Props {
  onDiscard(): void;
  onKeepEditing(): void;
}

export function LetterDiscardDialog({ onDiscard, onKeepEditing }: Props) {
  return (
    <ConfirmDialog
      id="letter-discard"
      testId="letter-discard-dialog"
      title="Geänderten Bescheid verwerfen?"
      confirmLabel="Verwerfen"
      confirmTestId="letter-discard"
      cancelLabel="Weiter bearbeiten"
      tone="danger"
      onConfirm={onDiscard}
      onCancel={onKeepEditing}
    >
      <p>Ihre Änderungen am Bescheidtext gehen verloren.</p>
    </ConfirmDialog>
  );
}
