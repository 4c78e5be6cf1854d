"""E-mail drafts as mailto: links the user's own mail client opens (no mail server here)."""

from __future__ import annotations

from urllib.parse import quote

# Mail clients (and Windows' ShellExecute) cut mailto: links somewhere above 2 000
# characters: a body longer than this is shortened, the files say the rest.
BODY_LIMIT = 1500


def mailto(to: str, subject: str, body: str) -> str:
    """A mailto: URL (RFC 6068): the address as given, subject and body percent-encoded
    with CRLF line breaks."""
    body = body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT - 1] + "…"
    lines = body.replace("\r\n", "\n").replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(lines, safe='')}"
    return f"mailto:{quote(to.strip(), safe='@')}?{query}"


def pack_message(organisation: str, supplier: str, contact: str, files: list[str],
                 due: str, sender: str) -> tuple[str, str]:
    """Subject and body of the e-mail that goes with a supplier pack."""
    we = organisation or "we"
    subject = f"{organisation + ': ' if organisation else ''}supplier scorecard and " \
              f"self-assessment questionnaire for {supplier}"
    greeting = f"Dear {contact}," if contact else "Dear Sir or Madam,"
    listed = "\n".join(f"- {name}" for name in files)
    body = (f"{greeting}\n\nAs part of our supplier evaluation (ISO 9001 clause 8.4), "
            f"{we} send you your scorecard and our self-assessment questionnaire:\n\n"
            f"{listed}\n\nPlease fill in the yellow cells of the questionnaire, including your "
            f"certificates and contact details, and return the workbook by {due}. The "
            "scorecard shows your latest evaluation and any actions we asked of you.\n\n"
            f"Kind regards,\n{sender}")
    return subject, body
