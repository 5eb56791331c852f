"""Rejections in words an analyst can act on, in Danish and English.

The engine records each rejection as a rule code with its column, rows and parameters
(`file_checks.Rejection`); this module turns that into one plain sentence group: what is
wrong, where (column, how many rows, which rows), and what to do. Nothing here reads
data. A database engine's own error text is never the only text: it is classified into
a `kind` (truncated, damaged, text encoding, ...) explained in words, and kept only as a
technical detail after the explanation.

`RULES` holds every rule validation and loading can emit (a test checks that each rule
in the code and each row rule of the contract has an entry); `ENGINE_KINDS` the kinds
of unreadable file.
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["da", "en"]

#: Engine error text → kind, first match wins (DuckDB's Parquet reader messages).
_KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("truncated", r"no magic bytes|too small to be a parquet file|unexpected end|"
                  r"end of file|eof"),
    ("text_encoding", r"utf-?8|string encoding"),
    ("footer", r"thrift|footer|metadata|deserializ|file meta"),
    ("decompression", r"decompress|snappy|zstd|gzip|lz4|brotli"),
    ("dictionary", r"dictionary"),
    ("conversion", r"conversion|could not convert|can't be cast|cast|out of range|overflow"),
    ("damaged", r"corrupt|invalid|not implemented|unsupported|mismatch|malformed|page"),
)

#: kind → (Danish, English): what the damage means.
ENGINE_KINDS: dict[str, tuple[str, str]] = {
    "truncated": ("Filen slutter for tidligt: den er ufuldstændig (måske ved at blive kopieret) "
                  "eller afkortet.",
                  "The file ends too early: it is incomplete (perhaps still being copied) or "
                  "cut off."),
    "text_encoding": ("Filen indeholder tekst, der ikke er gyldig UTF-8.",
                      "The file holds text that is not valid UTF-8."),
    "footer": ("Filens indholdsfortegnelse (Parquet-footeren) er beskadiget.",
               "The file's table of contents (the Parquet footer) is damaged."),
    "decompression": ("En del af filens data er beskadiget og kan ikke pakkes ud.",
                      "Part of the file's data is damaged and cannot be decompressed."),
    "dictionary": ("Filens ordbog over værdier er beskadiget (værdierne peger uden for den).",
                   "The file's dictionary of values is damaged (values point outside it)."),
    "conversion": ("En værdi kan ikke omsættes til kolonnens type, når filen indlæses sammen "
                   "med de andre filer i tabellen.",
                   "A value cannot be converted to the column's type when the file is loaded "
                   "together with the table's other files."),
    "damaged": ("Filen er beskadiget og kan ikke læses som Parquet.",
                "The file is damaged and cannot be read as Parquet."),
}


def engine_kind(text: str) -> str:
    """The kind of an engine error text ('damaged' when nothing more specific matches)."""
    low = re.sub(r'"[^"]*"', "", text).lower()  # not the file's path
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, low):
            return kind
    return "damaged"


_RESEND = ("Lav filen igen fra kilden, og læg den hele fil i mappen.",
           "Write the file again from the source and put the whole file in the folder.")
_FIX_VALUES = ("Ret værdierne i kilden og lever filen igen; filen indgår ikke i tallene "
               "indtil da.",
               "Correct the values at the source and deliver the file again; until then the "
               "file is not in the figures.")

#: rule → (what is wrong in Danish, in English, what to do in Danish, in English).
#: Placeholders: {column} and the rejection's params.
RULES: dict[str, tuple[str, str, str, str]] = {
    "unreadable_parquet": ("Filen kan ikke læses. {kind_text}",
                           "The file cannot be read. {kind_text}", *_RESEND),
    "missing_column": ("Den påkrævede kolonne {column} mangler.",
                       "The required column {column} is missing.",
                       "Tilføj kolonnen (navnet skal stå præcis som i kontrakten).",
                       "Add the column (named exactly as in the contract)."),
    "wrong_type": ("Kolonnen {column} har typen {found}, men kontrakten kræver {expected}.",
                   "Column {column} has type {found}, but the contract requires {expected}.",
                   "Gem kolonnen med den type, kontrakten angiver.",
                   "Store the column with the type the contract gives."),
    "missing_value": ("{column} skal være udfyldt, men er tom.",
                      "{column} is required but empty.", *_FIX_VALUES),
    "empty_string": ("{column} må ikke være blank.", "{column} must not be blank.",
                     *_FIX_VALUES),
    "cpr_like_id": ("{column} ligner et CPR-nummer: filen er ikke anonymiseret.",
                    "{column} looks like a CPR number: the file is not anonymised.",
                    "Slet filen straks, og lever en pseudonymiseret fil.",
                    "Delete the file at once and deliver a pseudonymised file."),
    "value_not_allowed": ("{column} har værdier, der ikke er tilladt (tilladt: {allowed}).",
                          "{column} has values that are not allowed (allowed: {allowed}).",
                          *_FIX_VALUES),
    "below_minimum": ("{column} er mindre end den mindste tilladte værdi {minimum}.",
                      "{column} is below the smallest allowed value {minimum}.", *_FIX_VALUES),
    "above_maximum": ("{column} er større end den største tilladte værdi {maximum}.",
                      "{column} is above the largest allowed value {maximum}.", *_FIX_VALUES),
    "after_as_of": ("{column} ligger efter udtrækkets opgørelsesdato {as_of}.",
                    "{column} is after the extract's as-of date {as_of}.", *_FIX_VALUES),
    "date_out_of_range": ("{column} indeholder datoer, der ikke er rigtige kalenderdatoer "
                          "(uden for år 1–9999); typisk en beskadiget fil.",
                          "{column} holds dates that are not real calendar dates (outside "
                          "the years 1–9999); usually a damaged file.", *_RESEND),
    "number_out_of_range": ("{column} har tal, der ikke er endelige eller er større end {limit} "
                            "i absolut værdi; typisk en beskadiget fil.",
                            "{column} has numbers that are not finite or exceed {limit} in "
                            "absolute value; usually a damaged file.", *_RESEND),
    "integer_out_of_range": ("{column} har tal, der er for store til kolonnen ({target}).",
                             "{column} has numbers too large for the column ({target}).",
                             *_FIX_VALUES),
    "type_conflict": ("{column} er gemt som {found}, og sammen med de andre filer i tabellen "
                      "({other}) bliver kolonnen til {union}, som ikke kan rumme alle "
                      "værdierne.",
                      "{column} is stored as {found}; together with the table's other files "
                      "({other}) the column becomes {union}, which cannot hold every value.",
                      "Gem kolonnen med samme type som de andre filer (datoer som DATE).",
                      "Store the column with the same type as the other files (dates as "
                      "DATE)."),
    "load_failed": ("Filen blev godkendt, men kunne ikke indlæses. {kind_text}",
                    "The file passed the checks but could not be loaded. {kind_text}",
                    *_RESEND),
    "duplicate_key": ("Nøglen ({column}) optræder mere end én gang i filen.",
                      "The key ({column}) occurs more than once in the file.",
                      "Fjern dubletterne, så hver nøgle står én gang.",
                      "Remove the duplicates so each key occurs once."),
    "duplicate_key_across_files": ("Nøglen ({column}) findes allerede i en ældre godkendt "
                                   "fil; den nyeste fil afvises.",
                                   "The key ({column}) is already in an older accepted file; "
                                   "the newer file is rejected.",
                                   "Fjern de rækker, der allerede er leveret, eller erstat "
                                   "den gamle fil.",
                                   "Remove the rows already delivered, or replace the old "
                                   "file."),
    "unknown_person": ("{column} findes ikke blandt de godkendte deltagere.",
                       "{column} is not among the accepted participants.",
                       "Lever deltagerne først (eller ret deres fil, hvis den er afvist).",
                       "Deliver the participants first (or fix their file if it was "
                       "rejected)."),
    "mixed_price_year": ("{column} skal være ét og samme år i alle omkostningsfiler "
                         "(fastlagt: {expected}).",
                         "{column} must be one single year across all cost files "
                         "(established: {expected}).",
                         "Omregn beløbene til samme prisår og lever filen igen.",
                         "Convert the amounts to the same price year and deliver again."),
    # the contract's row rules
    "end_before_start": ("end_date ligger før start_date.", "end_date is before start_date.",
                         *_FIX_VALUES),
    "at_end_without_any": ("job_or_education_at_end er sand, men job_or_education_any er "
                           "falsk.",
                           "job_or_education_at_end is true while job_or_education_any is "
                           "false.", *_FIX_VALUES),
    "weeks_beyond_horizon": ("weeks_job_or_education er over 78 ved 18 måneder eller over "
                             "130 ved 30 måneder.",
                             "weeks_job_or_education exceeds 78 at 18 months or 130 at 30 "
                             "months.", *_FIX_VALUES),
    "weeks_inconsistent_with_any": ("weeks_job_or_education skal være 0, præcis når "
                                    "job_or_education_any er falsk.",
                                    "weeks_job_or_education must be 0 exactly when "
                                    "job_or_education_any is false.", *_FIX_VALUES),
    "items_do_not_sum_to_total": ("De 25 item-scorer summerer ikke til total_score.",
                                  "The 25 item scores do not add up to total_score.",
                                  *_FIX_VALUES),
}

_GENERIC = ("Filen overholder ikke reglen {rule}.", "The file breaks the rule {rule}.",
            *_FIX_VALUES)
MAX_ALLOWED_SHOWN = 12


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _allowed(values: list | None, lang: Lang) -> str:
    if not values:
        return "?"
    if len(values) > MAX_ALLOWED_SHOWN:
        return (f"en af de {len(values)} værdier i kontrakten" if lang == "da"
                else f"one of the {len(values)} values in the contract")
    return ", ".join(map(str, values))


def what(rule: str, column: str | None, params: dict, lang: Lang) -> str:
    """What is wrong, in one or two sentences."""
    da, en, _, _ = RULES.get(rule, _GENERIC)
    values = _Blank({k: v for k, v in params.items() if k != "allowed"})
    values.update(rule=rule, column=column or "?", allowed=_allowed(params.get("allowed"), lang))
    kind = params.get("kind")
    if kind:
        values["kind_text"] = ENGINE_KINDS.get(kind, ENGINE_KINDS["damaged"])[lang == "en"]
        if column:
            values["kind_text"] += (f" (kolonnen {column})" if lang == "da"
                                    else f" (column {column})")
    else:
        values.setdefault("kind_text", "")
    return (da if lang == "da" else en).format_map(values).strip()


def where(column: str | None, rows: int, row_numbers: list[int], lang: Lang) -> str:
    """Which rows: '3 rækker, fx række 2, 7, 9.' ('' for whole-file rules)."""
    if not rows:
        return ""
    shown = ", ".join(map(str, row_numbers))
    if lang == "da":
        text = "1 række" if rows == 1 else f"{rows} rækker"
        return text + (f" (fx række {shown})." if shown else ".")
    text = "1 row" if rows == 1 else f"{rows} rows"
    return text + (f" (e.g. row {shown})." if shown else ".")


def todo(rule: str, lang: Lang) -> str:
    """What to do about it."""
    _, _, da, en = RULES.get(rule, _GENERIC)
    return da if lang == "da" else en


def explain(rejection, lang: Lang) -> str:
    """The whole explanation of one rejection (a `file_checks.Rejection`), with the
    engine's own text, if any, as a technical detail at the end."""
    parts = [what(rejection.rule, rejection.column, rejection.params, lang),
             where(rejection.column, rejection.rows, rejection.row_numbers, lang),
             todo(rejection.rule, lang)]
    engine = rejection.params.get("engine")
    if engine:
        parts.append(("Teknisk detalje: " if lang == "da" else "Technical detail: ") + engine)
    return " ".join(p for p in parts if p)


def english(rule: str, column: str | None, params: dict) -> str:
    """The `message` stored with a rejection: what is wrong, in English."""
    return what(rule, column, params, "en")


def rejected_files_text(paths: list[str], lang: Lang, limit: int = 5) -> str:
    """'a.parquet, b.parquet og 3 flere' — up to `limit` names, then how many more."""
    shown = ", ".join(paths[:limit])
    more = len(paths) - limit
    if more <= 0:
        return shown
    return shown + (f" og {more} flere" if lang == "da" else f" and {more} more")
