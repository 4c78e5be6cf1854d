"""The organisation's settings (services.db_settings): name, logo, document numbers."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from qmsdesk import registers as catalogue
from qmsdesk.models.db import Database
from qmsdesk.services import db_settings
from qmsdesk.services.errors import ValidationError

DEFAULT_DOCUMENT_NUMBERS = catalogue.document_numbers()  # report kind -> number
LOGO_FILE_LIMIT = 5 * 1024 * 1024
LOGO_PIXELS = (600, 240)  # stored size: sharp at the printed 45 x 18 mm, small in the database


@dataclass
class OrgSettings:
    organisation: str = ""
    approved_by: str = ""
    logo: bytes | None = None  # PNG
    document_numbers: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_DOCUMENT_NUMBERS))

    def approvers(self) -> tuple[str, ...]:
        """The people who may approve reports ("Helen Whitfield; Anna Kowalska")."""
        return tuple(name for name in (" ".join(part.split()) for part in
                                       self.approved_by.replace("\n", ";").split(";")) if name)

    def document_number(self, report: str) -> str:
        return self.document_numbers.get(report) or DEFAULT_DOCUMENT_NUMBERS.get(report, "")


def load_settings(db: Database) -> OrgSettings:
    with db.read() as session:
        values = db_settings.read_all(session)
    settings = OrgSettings(organisation=values.get(db_settings.ORGANISATION, ""),
                           approved_by=values.get(db_settings.APPROVED_BY, ""),
                           logo=_decode_logo(values.get(db_settings.LOGO, "")))
    for key, value in values.items():
        if key.startswith(db_settings.DOCUMENT_NUMBER):
            settings.document_numbers[key.removeprefix(db_settings.DOCUMENT_NUMBER)] = value
    return settings


def save_settings(db: Database, settings: OrgSettings) -> None:
    organisation = settings.organisation.strip()
    if not organisation:
        raise ValidationError({"organisation": "Organisation name is required."})
    if len(organisation) > 200:
        raise ValidationError({"organisation": "Organisation name is too long (200 at most)."})
    too_long = [name for name in settings.approvers() if len(name) > 200]
    if too_long:
        raise ValidationError({"approved_by": f"An approver's name is too long "
                                              f"({len(too_long[0])} characters; at most 200)."})
    wanted = {db_settings.ORGANISATION: organisation,
              db_settings.APPROVED_BY: "; ".join(settings.approvers())}
    if settings.logo:
        wanted[db_settings.LOGO] = base64.b64encode(settings.logo).decode("ascii")
    for report, number in settings.document_numbers.items():
        wanted[db_settings.DOCUMENT_NUMBER + report] = number.strip()
    with db.session() as session:
        if not settings.logo and db_settings.read(session, db_settings.LOGO):
            wanted[db_settings.LOGO] = ""  # logo removed
        db_settings.write(session, wanted)


def _decode_logo(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True) or None
    except (binascii.Error, ValueError):
        return None  # a damaged value prints no logo rather than failing every report


def read_logo(path: Path) -> bytes:
    """A logo file (PNG, JPEG, ...) checked and converted to a small PNG for the reports.

    Raises ValidationError on the "logo" field for a missing, huge or unreadable file.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > LOGO_FILE_LIMIT:
            raise ValidationError({"logo": f"{path.name} is too large for a logo "
                                           f"({size // 1024} KB; at most 5 MB)."})
        with Image.open(path) as image:
            image.thumbnail(LOGO_PIXELS)  # first: a huge picture is never held full size
            picture = image.convert("RGBA")
    except FileNotFoundError as exc:
        raise ValidationError({"logo": f"{path.name} does not exist."}) from exc
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise ValidationError({"logo": f"{path.name} is not an image QMS Desk can read "
                                       "(use PNG or JPEG)."}) from exc
    out = BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()
