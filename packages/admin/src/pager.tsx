/** Previous and Next through a list's pages, with where the list stands (children) between them. */
import type { ComponentChildren } from "preact";

export function Pager({
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  children,
}: {
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  children: ComponentChildren;
}) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={!hasPrevious} onClick={onPrevious}>
        Previous
      </button>
      <span>{children}</span>
      <button type="button" disabled={!hasNext} onClick={onNext}>
        Next
      </button>
    </nav>
  );
}
