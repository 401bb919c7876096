/**
 * The frame every default template shares, so the three read alike. Admins who customise a template get
 * the full MJML document in settings and may change anything in it.
 */
export function layout({ preview, heading, content }: { preview: string; heading: string; content: string }): string {
  return `<mjml>
  <mj-head>
    <mj-preview>${preview}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="22px" color="#1f2933" />
      <mj-button background-color="#1f6feb" color="#ffffff" font-size="15px" border-radius="6px" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-text font-size="20px" font-weight="bold">${heading}</mj-text>
${content}
      </mj-column>
    </mj-section>
    <mj-section padding="12px">
      <mj-column>
        <mj-text font-size="12px" color="#6b7280" align="center">Sent by <%= SERVER_URL %></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;
}
