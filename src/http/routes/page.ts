/** A small HTML answer for browser routes: nothing active in it (the security headers add the rest). */
const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

export function page(title: string, status: number, headers: Record<string, string> = {}, head = ""): Response {
  const html = `<!doctype html><meta charset="utf-8">${head}<title>${escapeHtml(title)}</title><p>${escapeHtml(title)}</p>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'", ...headers },
  });
}

export { escapeHtml };
