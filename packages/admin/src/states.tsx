/** The loading and error states of a page's content, with a way to try again. */
export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function LoadError({ what, message, onRetry }: { what: string; message: string; onRetry: () => void }) {
  return (
    <div class="error" role="alert">
      <p>
        The {what} could not be loaded: {message}
      </p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
