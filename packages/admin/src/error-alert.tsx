/**
 * A refusal's message (role="alert", so screen readers announce it), scrolled into view when it appears:
 * in a long form or a scrolled dialog the message is at the top while the button pressed is at the bottom.
 */
import { useEffect, useRef } from "preact/hooks";

export function ErrorAlert({ message }: { message: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: "nearest" });
  }, [message]);
  if (!message) return null;
  return (
    <p ref={ref} class="error" role="alert">
      {message}
    </p>
  );
}
