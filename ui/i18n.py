"""Danish (default) and English texts of the dashboard.

`t(key, lang, **values)` looks a text up and fills its ``{placeholders}``;
`label(kind, code, lang)` names a code (arm, measure, status, ...). A missing
key raises KeyError so a typo fails the tests instead of showing a blank.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["da", "en"]

TEXTS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("IPS – job med støtte", "IPS – supported employment"),
    "nav_overview": ("Overblik", "Overview"),
    "nav_effect": ("Beskæftigelseseffekt", "Employment effect"),
    "nav_costs": ("Økonomi", "Economics"),
    "nav_rollout": ("Udrulning", "Rollout"),
    "nav_data": ("Datagrundlag", "Data"),
    # sidebar
    "filters": ("Udvælgelse", "Selection"),
    "region": ("Region", "Region"),
    "all_regions": ("Alle regioner", "All regions"),
    "municipalities": ("Kommuner", "Municipalities"),
    "all_municipalities": ("Alle kommuner", "All municipalities"),
    "start_years": ("Startår", "Start year"),
    "age_bands": ("Aldersgruppe ved start", "Age band at start"),
    "all_age_bands": ("Alle aldersgrupper", "All age bands"),
    "arms": ("Grupper", "Groups"),
    "all_arms": ("Alle grupper", "All groups"),
    "sidebar_extract": ("Udtræk {date} · data til og med {as_of}",
                        "Extract {date} · data as of {as_of}"),
    "sidebar_link_help": ("Adressen i browseren gengiver udvælgelsen: del linket.",
                          "The browser address reproduces this selection: share the link."),
    "data_dir_missing": ("Datamappen {path} findes ikke. Sæt IPS_DATA_DIR til en mappe med "
                         "et udtræk (se Datagrundlag / kontrakten).",
                         "The data directory {path} does not exist. Set IPS_DATA_DIR to a "
                         "folder holding an extract (see Data / the contract)."),
    "loading": ("Indlæser og validerer udtrækket …", "Loading and validating the extract …"),
    # shared
    "no_selection": ("Udvælgelsen indeholder ingen deltagere. Udvid filtrene i sidepanelet "
                     "(fx startår, kommuner eller aldersgruppe).",
                     "The selection holds no participants. Widen the filters in the sidebar "
                     "(e.g. start year, municipalities or age band)."),
    "suppressed_note": ("Tal bygget på færre end {k} personer vises som »{label}« "
                        "(diskretionering).",
                        "Figures based on fewer than {k} persons are shown as \"{label}\" "
                        "(disclosure control)."),
    "hidden_groups": ("Skjult ({label}): {groups}", "Hidden ({label}): {groups}"),
    "download_csv": ("Hent CSV", "Download CSV"),
    "download_xlsx": ("Hent Excel", "Download Excel"),
    "ci95": ("95 %-konfidensinterval", "95 % confidence interval"),
    "ci95_short": ("95 %-KI", "95 % CI"),
    "n": ("n", "n"),
    "horizon": ("Opfølgningstid", "Follow-up"),
    "horizon_opt": ("{h} måneder", "{h} months"),
    "measure": ("Mål", "Measure"),
    "price_year": ("{y}-priser", "{y} prices"),
    "share_axis": ("Andel (%)", "Share (%)"),
    "weeks_axis": ("Uger", "Weeks"),
    "dkk_axis": ("Kr. pr. person", "DKK per person"),
    "group": ("Gruppe", "Group"),
    "difference": ("Forskel IPS − sammenligning", "Difference IPS − comparison"),
    # overview
    "overview_title": ("IPS – overblik", "IPS – overview"),
    "overview_intro": ("IPS (Individuelt Planlagt job med Støtte) hjælper mennesker med "
                       "svær psykisk sygdom i ordinært job eller uddannelse. Tallene nedenfor "
                       "følger udvælgelsen i sidepanelet.",
                       "IPS (Individual Placement and Support) helps people with severe "
                       "mental illness into ordinary jobs or education. The figures below "
                       "follow the selection in the sidebar."),
    "participants": ("Deltagere", "Participants"),
    "participants_arm": ("Deltagere – {arm}", "Participants – {arm}"),
    "ov_share18": ("I job/uddannelse inden for 18 mdr. – {arm}",
                   "In job/education within 18 months – {arm}"),
    "ov_diff18": ("Forskel 18 mdr. (IPS − sammenligning)",
                  "Difference at 18 months (IPS − comparison)"),
    "ov_end30": ("I job/uddannelse ved 30 mdr. – {arm}",
                 "In job/education at 30 months – {arm}"),
    "ov_weeks": ("Ekstra uger i job/uddannelse (18 mdr.)",
                 "Extra weeks in job/education (18 months)"),
    "ov_saving": ("Besparelse pr. person (18 mdr.)", "Saving per person (18 months)"),
    "ov_status": ("Kommuner: {status}", "Municipalities: {status}"),
    "ov_status_caption": ("Status pr. {date} for kommunerne i udvælgelsen.",
                          "Status on {date} of the municipalities in the selection."),
    "ov_extract": ("Udtræk: {date}", "Extract: {date}"),
    "ov_health_ok": ("Alle datafiler er godkendt", "All data files accepted"),
    "ov_health_bad": ("{n} datafil(er) afvist – se Datagrundlag",
                      "{n} data file(s) rejected – see Data"),
    "ov_health_problems": ("Udtrækket har problemer – se Datagrundlag",
                           "The extract has problems – see Data"),
    "ov_health_link": ("Åbn datagrundlaget", "Open the data page"),
    "ov_no_costs": ("Ingen omkostningsdata i udtrækket.", "No cost data in the extract."),
    "ov_effect_head": ("Beskæftigelse", "Employment"),
    "ov_costs_head": ("Økonomi og udrulning", "Economics and rollout"),
    "ref_title": ("Publicerede resultater (Projekt Inklusion)",
                  "Published results (Projekt Inklusion)"),
    "ref_intro": ("Til sammenligning: det danske lodtrækningsforsøg (720 deltagere, "
                  "2012–2016). Tallene er fra kilderne, ikke fra udtrækket.",
                  "For comparison: the Danish randomised trial (720 participants, "
                  "2012–2016). Figures are from the sources, not from the extract."),
    "ref_figure": ("Resultat", "Result"),
    "ref_ips": ("IPS", "IPS"),
    "ref_usual": ("Sædvanlig indsats", "Usual services"),
    "ref_source": ("Kilde", "Source"),
    "ref_star_head": ("STAR", "STAR"),
    "ref_fu_head": ("30-måneders opfølgning", "30-month follow-up"),
    "ref_fu_note": ("Registerbaseret opfølgning (2023); IPS / IPS udvidet / sædvanlig indsats. "
                    "Vises adskilt fra STAR-tallene og blandes ikke med dem.",
                    "Register-based follow-up (2023); IPS / IPS enhanced / usual services. "
                    "Shown apart from the STAR figures, never mixed with them."),
    # effect page
    "effect_title": ("Beskæftigelseseffekt", "Employment effect"),
    "effect_intro": ("Andel i ordinært job eller uddannelse og uger i job/uddannelse efter "
                     "start, for IPS, IPS-lignende forløb og sammenligningsgruppen.",
                     "Share in ordinary job or education and weeks in job/education after "
                     "start, for IPS, IPS-like courses and the comparison group."),
    "not_observable": ("Endnu ikke observerbare ved {h} måneder (horisonten er ikke udløbet; "
                       "de indgår ikke i nævneren): {parts}",
                       "Not yet observable at {h} months (horizon not elapsed; left out of "
                       "the denominator): {parts}"),
    "fig_arms": ("{measure} inden for {h} måneder efter gruppe",
                 "{measure} within {h} months by group"),
    "fig_trend": ("{measure} ved {h} måneder efter startår", "{measure} at {h} months by start year"),
    "fig_breakdown": ("{measure} ved {h} måneder efter {dimension}",
                      "{measure} at {h} months by {dimension}"),
    "fig_funnel": ("Tragtdiagram: IPS-andel i job/uddannelse ved 18 mdr. pr. kommune",
                   "Funnel plot: IPS share in job/education at 18 months by municipality"),
    "funnel_axis_n": ("IPS-deltagere med 18-måneders resultat (n)",
                      "IPS participants with an 18-month outcome (n)"),
    "funnel_pooled": ("Samlet andel {p}", "Pooled share {p}"),
    "funnel_95": ("95 %-grænser", "95 % limits"),
    "funnel_998": ("99,8 %-grænser", "99.8 % limits"),
    "funnel_caption": ("Kommuner uden for 99,8 %-grænserne afviger mere end tilfældig variation "
                       "forklarer. Kommuner med færre end {k} IPS-deltagere vises ikke.",
                       "Municipalities outside the 99.8 % limits differ more than chance "
                       "explains. Municipalities with fewer than {k} IPS participants are "
                       "not shown."),
    "funnel_none": ("Ingen IPS-deltagere med 18-måneders resultat i udvælgelsen.",
                    "No IPS participants with an 18-month outcome in the selection."),
    "sort_by": ("Sortér efter", "Sort by"),
    "outside": ("Uden for grænser", "Outside limits"),
    "breakdowns": ("Opdelinger", "Breakdowns"),
    "trend_head": ("Udvikling efter startår", "Trend by start year"),
    "funnel_head": ("Kommunesammenligning", "Municipality comparison"),
    "diff_none": ("Forskellen kan ikke vises: for få personer i IPS- eller "
                  "sammenligningsgruppen.",
                  "The difference cannot be shown: too few persons in the IPS or the "
                  "comparison group."),
    "no_outcomes": ("Ingen resultater ved {h} måneder i udvælgelsen endnu.",
                    "No outcomes at {h} months in the selection yet."),
    # costs page
    "costs_title": ("Økonomi", "Economics"),
    "costs_intro": ("Gennemsnitlige offentlige udgifter pr. person (psykiatri, almen praksis, "
                    "beskæftigelses- og sociale indsatser, IPS) og besparelsen ved IPS.",
                    "Mean public costs per person (psychiatry, general practice, employment "
                    "and social measures, IPS) and the saving with IPS."),
    "costs_missing": ("Udtrækket har ingen omkostningsdata (mappen costs/ er tom eller "
                      "mangler, eller filerne er afvist). Siden viser tal, når en costs-fil "
                      "er leveret – se Datagrundlag.",
                      "The extract has no cost data (the costs/ folder is empty or missing, "
                      "or its files were rejected). This page shows figures once a costs "
                      "file is delivered – see Data."),
    "costs_none_selected": ("Ingen omkostninger for udvælgelsen ved {h} måneder.",
                            "No costs for the selection at {h} months."),
    "saving": ("Besparelse pr. person ({h} mdr., {py})", "Saving per person ({h} months, {py})"),
    "total_saving": ("Samlet besparelse, estimat ({py})", "Total saving, estimate ({py})"),
    "total_saving_help": ("Estimat: besparelse pr. person × {n} IPS-deltagere i udvælgelsen.",
                          "Estimate: saving per person × {n} IPS participants in the "
                          "selection."),
    "mean_cost": ("Udgift pr. person – {arm} ({py})", "Cost per person – {arm} ({py})"),
    "fig_categories": ("Udgift pr. person efter kategori, {h} måneder ({py})",
                       "Cost per person by category, {h} months ({py})"),
    "fig_totals": ("Samlet udgift pr. person efter gruppe, {h} måneder ({py})",
                   "Total cost per person by group, {h} months ({py})"),
    "fig_muni_saving": ("Besparelse pr. person efter kommune, {h} måneder ({py})",
                        "Saving per person by municipality, {h} months ({py})"),
    "muni_head": ("Efter kommune", "By municipality"),
    "muni_saving_none": ("Ingen kommune har nok personer i både IPS- og sammenligningsgruppen.",
                         "No municipality has enough persons in both the IPS and the "
                         "comparison group."),
    "saving_caption": ("Besparelse = sammenligningsgruppens gennemsnit − IPS-gruppens "
                       "gennemsnit (Welch-interval). Positiv = IPS er billigere.",
                       "Saving = comparison mean − IPS mean (Welch interval). Positive = "
                       "IPS costs less."),
    # rollout page
    "rollout_title": ("Udrulning", "Rollout"),
    "rollout_intro": ("Status for IPS i kommunerne, implementering, kapacitet og "
                      "modeltroskab (IPS-25).",
                      "IPS status in the municipalities, implementation, capacity and "
                      "fidelity (IPS-25)."),
    "as_of_date": ("Status pr. dato", "Status on date"),
    "rollout_missing": ("Udtrækket har ingen udrulningsdata (mappen rollout/ er tom eller "
                        "mangler, eller filerne er afvist). Kommunernes status kan ikke vises "
                        "– se Datagrundlag.",
                        "The extract has no rollout data (the rollout/ folder is empty or "
                        "missing, or its files were rejected). Municipality status cannot be "
                        "shown – see Data."),
    "fidelity_missing": ("Udtrækket har ingen fidelitetsmålinger (mappen fidelity/ er tom "
                         "eller mangler).",
                         "The extract has no fidelity reviews (the fidelity/ folder is empty "
                         "or missing)."),
    "progress": ("{k} af {n} kommuner i Region Hovedstaden samarbejder om IPS pr. {date} "
                 "(aftale, implementering eller drift).",
                 "{k} of {n} municipalities in Region Hovedstaden collaborate on IPS on "
                 "{date} (agreement, implementing or operating)."),
    "fig_map": ("Kommunernes IPS-status pr. {date}", "Municipalities' IPS status on {date}"),
    "map_bornholm": ("Bornholm (flyttet)", "Bornholm (moved)"),
    "map_caption": ("Kortet viser kommuner med et kortpunkt (Region Hovedstaden); "
                    "{k} andre kommuner står kun i tabellen. Boblens størrelse = aktive "
                    "deltagere.",
                    "The map shows municipalities with a map point (Region Hovedstaden); "
                    "{k} other municipalities are in the table only. Bubble size = active "
                    "participants."),
    "timeline_head": ("Statusforløb", "Status history"),
    "fig_timeline": ("Statusperioder pr. kommune", "Status periods by municipality"),
    "impl_head": ("Implementering", "Implementation"),
    "fig_impl": ("År siden implementeringsstart pr. {date} (normalt 2–3 år)",
                 "Years since implementation started on {date} (normally 2–3 years)"),
    "impl_band": ("Normal implementeringstid 2–3 år", "Usual implementation time 2–3 years"),
    "years_axis": ("År", "Years"),
    "fidelity_head": ("Modeltroskab (IPS-25)", "Fidelity (IPS-25)"),
    "fig_fidelity": ("Seneste IPS-25-score pr. kommune (25–125)",
                     "Latest IPS-25 score by municipality (25–125)"),
    "fig_fidelity_trend": ("IPS-25-score over tid", "IPS-25 score over time"),
    "score_axis": ("IPS-25-score (point)", "IPS-25 score (points)"),
    "caseload_head": ("Kapacitet", "Capacity"),
    "fig_caseload": ("Aktive deltagere pr. IPS-konsulent (årsværk) pr. {date}; norm ≤ {norm}",
                     "Active participants per IPS consultant (FTE) on {date}; norm ≤ {norm}"),
    "caseload_axis": ("Deltagere pr. årsværk", "Participants per FTE"),
    "norm": ("Norm {norm}", "Norm {norm}"),
    "caseload_none": ("Ingen kommuner med både årsværk og nok aktive deltagere til at vise "
                      "en sagsstamme.",
                      "No municipality has both FTE and enough active participants to show "
                      "a caseload."),
    "impl_none": ("Ingen kommuner har startet implementering pr. denne dato.",
                  "No municipality had started implementing by this date."),
    "status_table": ("Kommuner", "Municipalities"),
    # data page
    "data_title": ("Datagrundlag", "Data"),
    "data_intro": ("Hvilke filer udtrækket består af, hvilke der er godkendt eller afvist og "
                   "hvorfor, og kontrakten som filerne skal følge.",
                   "Which files the extract consists of, which were accepted or rejected "
                   "and why, and the contract the files must follow."),
    "extract_date": ("Udtræksdato", "Extract date"),
    "as_of": ("Opgjort pr.", "As of"),
    "data_dir": ("Datamappe", "Data directory"),
    "fingerprint": ("Fingeraftryk", "Fingerprint"),
    "data_ok": ("Alle filer er godkendt.", "All files were accepted."),
    "data_rejected": ("{n} fil(er) er afvist og indgår ikke i tallene.",
                      "{n} file(s) were rejected and are not in the figures."),
    "problems": ("Problemer med udtrækket", "Problems with the extract"),
    "tables_head": ("Tabeller", "Tables"),
    "files_head": ("Filer", "Files"),
    "rejections_head": ("Afvisninger", "Rejections"),
    "no_rejections": ("Ingen afvisninger.", "No rejections."),
    "contract_head": ("Kontrakt for udtræk", "Extract contract"),
    "no_files": ("Ingen filer fundet i datamappen.", "No files found in the data directory."),
}

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "arm": {
        "ips": ("IPS", "IPS"),
        "ips_like": ("IPS-lignende", "IPS-like"),
        "comparison": ("Sammenligning", "Comparison"),
    },
    "measure": {
        "job_or_education_any": ("Andel i job/uddannelse på et tidspunkt",
                                 "Share in job/education at any time"),
        "job_or_education_at_end": ("Andel i job/uddannelse ved periodens slutning",
                                    "Share in job/education at the end"),
        "weeks_mean": ("Gns. uger i job/uddannelse", "Mean weeks in job/education"),
    },
    "dimension": {
        "age_band": ("aldersgruppe", "age band"),
        "sex": ("køn", "sex"),
        "benefit_at_start": ("ydelse ved start", "benefit at start"),
        "treatment_unit": ("behandlingsenhed", "treatment unit"),
        "start_year": ("startår", "start year"),
        "municipality_code": ("kommune", "municipality"),
    },
    "sex": {"F": ("Kvinder", "Women"), "M": ("Mænd", "Men")},
    "benefit_at_start": {
        "kontanthjaelp": ("Kontanthjælp", "Social assistance"),
        "uddannelseshjaelp": ("Uddannelseshjælp", "Education assistance"),
        "ressourceforloeb": ("Ressourceforløb", "Resource course"),
        "jobafklaring": ("Jobafklaring", "Job clarification"),
        "ledighedsydelse": ("Ledighedsydelse", "Flex-job waiting benefit"),
        "sygedagpenge": ("Sygedagpenge", "Sickness benefit"),
        "revalidering": ("Revalidering", "Rehabilitation"),
        "dagpenge": ("Dagpenge", "Unemployment benefit"),
        "foertidspension": ("Førtidspension", "Disability pension"),
        "selvforsoergende": ("Selvforsørgende", "Self-supporting"),
        "other": ("Andet", "Other"),
    },
    "treatment_unit": {
        "f_act": ("F-ACT", "F-ACT"),
        "opus": ("OPUS", "OPUS"),
        "outpatient": ("Ambulant", "Outpatient"),
        "other": ("Andet", "Other"),
    },
    "status": {
        "not_started": ("Ikke startet", "Not started"),
        "agreement": ("Aftale", "Agreement"),
        "implementing": ("Implementering", "Implementing"),
        "operating": ("I drift", "Operating"),
        "stopped": ("Stoppet", "Stopped"),
    },
    "category": {
        "psychiatric_inpatient": ("Psykiatrisk indlæggelse", "Psychiatric inpatient"),
        "psychiatric_outpatient": ("Psykiatrisk ambulant", "Psychiatric outpatient"),
        "psychiatric_emergency": ("Psykiatrisk akut", "Psychiatric emergency"),
        "primary_care": ("Almen praksis", "Primary care"),
        "employment_services": ("Beskæftigelsesindsats", "Employment services"),
        "social_services": ("Sociale indsatser", "Social services"),
        "ips_service": ("IPS-indsats", "IPS service"),
    },
    "band": {
        "exemplary": ("Eksemplarisk (115–125)", "Exemplary (115–125)"),
        "good": ("God (100–114)", "Good (100–114)"),
        "fair": ("Rimelig (74–99)", "Fair (74–99)"),
        "not_ips": ("Ikke IPS (≤ 73)", "Not IPS (≤ 73)"),
    },
    "target_group": {
        "adults": ("Voksne", "Adults"), "youth": ("Unge", "Youth"), "both": ("Begge", "Both"),
    },
    "file_status": {
        "accepted": ("Godkendt", "Accepted"),
        "rejected": ("Afvist", "Rejected"),
        "ignored": ("Ignoreret", "Ignored"),
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The text ``key`` in ``lang`` with ``values`` filled in."""
    da, en = TEXTS[key]
    text = da if lang == "da" else en
    return text.format(**values) if values else text


def label(kind: str, code: object, lang: Lang) -> str:
    """The name of a code (``label("arm", "ips", "da") == "IPS"``); unknown → the code."""
    names = LABELS[kind].get(str(code))
    if names is None:
        return "–" if code is None else str(code)
    return names[0] if lang == "da" else names[1]


def code_of(kind: str, text: object) -> object:
    """The code whose name in either language (or which itself) is ``text``; else ``text``."""
    for code, names in LABELS[kind].items():
        if text == code or text in names:
            return code
    return text
