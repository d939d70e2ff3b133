"""Keep the gettext catalogs in step with the English in bot/texts (`python -m bot messages`).

For each domain (a bot/texts module) this writes the template `bot/locale/<domain>.pot` from
the code, then updates every language's `bot/locale/<lang>/LC_MESSAGES/<domain>.po` from it
the way `pybabel update` does: new messages arrive untranslated, an English text that changed
marks its translation fuzzy (shown in English until a translator confirms it), and removed
ones are dropped. `--check` changes nothing and reports what is missing or out of date.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot import i18n, texts

PROJECT = "psoas-coach"
HEADER = (
    "# {language} messages of the psoas coach bot. Edit with any PO editor (Poedit, Weblate).\n"
    "# msgctxt is the message's key, msgid its English; keep every {{placeholder}} and HTML tag."
)


@dataclass
class LanguageReport:
    language: str
    missing: list[str] = field(default_factory=list)  # "domain:key", no translation yet
    out_of_date: list[str] = field(default_factory=list)  # fuzzy: the English changed since


def template(domain: str) -> Catalog:
    catalog = Catalog(
        project=PROJECT,
        domain=domain,
        fuzzy=False,
        header_comment=HEADER.format(language="Template for the"),
    )
    for key, english in texts.MESSAGES.items():
        if texts.DOMAIN_OF[key] != domain:
            continue
        msgid = (english.one, english.other) if isinstance(english, texts.Plural) else english
        catalog.add(msgid, context=key)
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No dates or line numbers: a catalog changes only when a message does.
    write_po(out, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=False)
    return b"\n".join(
        line
        for line in out.getvalue().split(b"\n")
        if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date'))
    )


def _translated(language: str, domain: str, pot: Catalog) -> Catalog:
    path = i18n.catalog_path(language, domain)
    if path.exists():
        with path.open("rb") as po:
            catalog = read_po(po, locale=language, domain=domain)
    else:
        catalog = Catalog(
            locale=language,
            project=PROJECT,
            domain=domain,
            fuzzy=False,
            header_comment=HEADER.format(language=f"The {language!r}"),
        )
    catalog.update(pot, no_fuzzy_matching=False, update_header_comment=False)
    return catalog


def sync(
    locale_dir: Path = i18n.LOCALE_DIR, *, check: bool = False
) -> tuple[list[Path], list[LanguageReport]]:
    """Write (or, with check, only compare) every template and catalog.

    Returns the files that are (or would be) changed and a report per translated language."""
    changed: list[Path] = []
    reports = [LanguageReport(language) for language in i18n.LANGUAGES[1:]]
    for domain in (module.__name__.rsplit(".", 1)[-1] for module in texts.DOMAINS):
        pot = template(domain)
        files = {locale_dir / f"{domain}.pot": _po_bytes(pot)}
        for report in reports:
            catalog = _translated(report.language, domain, pot)
            for message in catalog:
                if not message.id:
                    continue  # the header
                where = f"{domain}:{message.context}"
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.fuzzy:
                    report.out_of_date.append(where)
                elif not all(strings):
                    report.missing.append(where)
            files[locale_dir / report.language / "LC_MESSAGES" / f"{domain}.po"] = _po_bytes(
                catalog
            )
        for path, content in files.items():
            if not path.exists() or path.read_bytes() != content:
                changed.append(path)
                if not check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(content)
    return changed, reports
