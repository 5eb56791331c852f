"""Danish (default) and English texts of the dashboard.

`t(key, lang, **values)` looks a text up and fills its ``{placeholders}``;
`label(kind, code, lang)` names a code (arm, measure, status, ...). A missing
key raises KeyError so a typo fails the tests instead of showing a blank.
"""

from __future__ import annotations

from typing import Literal

from ips_data.labels import CODE_LABELS, Wording

Lang = Literal["da", "en"]

TEXTS: dict[str, tuple[str, str]] = {
    # app and navigation
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
    "load_failed": ("Udtrækket kunne ikke indlæses: {reason}. Prøv igen, når filerne er "
                    "færdigskrevne.", "The extract could not be loaded: {reason}. Try again "
                    "once the files are completely written."),
    "loading": ("Indlæser og validerer udtrækket …", "Loading and validating the extract …"),
    # shared
    "no_selection": ("Udvælgelsen indeholder ingen deltagere. Udvid filtrene i sidepanelet "
                     "(fx startår, kommuner eller aldersgruppe).",
                     "The selection holds no participants. Widen the filters in the sidebar "
                     "(e.g. start year, municipalities or age band)."),
    "suppressed_note": ("Tal bygget på færre end {k} personer vises som »{label}« "
                        "(diskretionering). Tallene er tilføjet en lille fast støj (højst "
                        "±2 personer) for at beskytte små grupper; de samme personer giver "
                        "altid det samme tal.",
                        "Figures based on fewer than {k} persons are shown as \"{label}\" "
                        "(disclosure control). The figures carry a small fixed noise (at "
                        "most ±2 persons) to protect small groups; the same persons always "
                        "give the same figure."),
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
    "ov_head18": ("I job eller uddannelse inden for 18 måneder",
                  "In job or education within 18 months"),
    "ov_head30": ("I job eller uddannelse ved 30 måneder (ved periodens slutning)",
                  "In job or education at 30 months (at the end of the period)"),
    "ov_diff": ("Forskel IPS − sammenligning, {h} mdr.",
                "Difference IPS − comparison, {h} months"),
    "ov_arm_h": ("{arm}, {h} mdr.", "{arm}, {h} months"),
    "participants_arm": ("Deltagere: {arm}", "Participants: {arm}"),
    "ov_weeks": ("Ekstra uger i job/uddannelse, 18 mdr.",
                 "Extra weeks in job/education, 18 months"),
    "ov_weeks_arm": ("{arm}, uger, {h} mdr.", "{arm}, weeks, {h} months"),
    "ov_weeks_help": ("Gennemsnitligt antal uger i job eller uddannelse inden for {h} måneder "
                      "efter start.",
                      "Mean number of weeks in job or education within {h} months of the "
                      "start."),
    "ov_saving": ("Besparelse pr. person, 18 mdr.", "Saving per person, 18 months"),
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
    "rejected_files": ("Afviste filer: {files}.", "Rejected files: {files}."),
    "load_failed_kept": ("Det nye udtræk kunne ikke indlæses ({reason}); siden viser fortsat "
                         "det seneste udtræk, der kunne indlæses.",
                         "The new extract could not be loaded ({reason}); the page keeps "
                         "showing the last extract that could be loaded."),
    "ov_no_costs": ("Besparelsen kan ikke vises: udtrækket har ingen omkostningsdata for "
                    "udvælgelsen (se Datagrundlag).",
                    "The saving cannot be shown: the extract has no cost data for the "
                    "selection (see Data)."),
    "ov_no_rollout": ("Kommunernes status kan ikke vises: udtrækket har ingen udrulningsdata "
                      "(se Datagrundlag).",
                      "Municipality status cannot be shown: the extract has no rollout data "
                      "(see Data)."),
    "ov_costs_head": ("Offentlige udgifter pr. person inden for 18 måneder ({py})",
                      "Public costs per person within 18 months ({py})"),
    "ov_cost_arm": ("{arm}, udgift, 18 mdr.", "{arm}, cost, 18 months"),
    "ov_rollout_head": ("Udrulning i kommunerne", "Rollout in the municipalities"),
    "ref_title": ("Publicerede resultater (Projekt Inklusion)",
                  "Published results (Projekt Inklusion)"),
    "ref_intro": ("Til sammenligning: det danske lodtrækningsforsøg (720 deltagere, "
                  "2012–2016). Tallene er fra kilderne, ikke fra udtrækket.",
                  "For comparison: the Danish randomised trial (720 participants, "
                  "2012–2016). Figures are from the sources, not from the extract."),
    "ref_figure": ("Resultat", "Result"),
    "ref_values": ("Tal", "Figures"),
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
    "waiting_col": ("Endnu ikke observerbare", "Not yet observable"),
    "funnel_share": ("IPS-andel, 18 mdr.", "IPS share, 18 months"),
    "fig_arms": ("{measure} inden for {h} måneder efter gruppe",
                 "{measure} within {h} months by group"),
    "fig_trend": ("{measure} ved {h} måneder efter startår",
                  "{measure} at {h} months by start year"),
    "fig_breakdown": ("{measure} ved {h} måneder efter {dimension}",
                      "{measure} at {h} months by {dimension}"),
    "fig_funnel": ("Tragtdiagram: IPS-andel i job/uddannelse ved 18 mdr. pr. kommune",
                   "Funnel plot: IPS share in job/education at 18 months by municipality"),
    "funnel_axis_n": ("IPS-deltagere med 18-måneders resultat (n)",
                      "IPS participants with an 18-month outcome (n)"),
    "funnel_pooled": ("Samlet andel {p}", "Pooled share {p}"),
    "funnel_95": ("95 %-grænser", "95 % limits"),
    "funnel_998": ("99,8 %-grænser", "99.8 % limits"),
    "funnel_caption": ("Blå cirkel: inden for grænserne · orange rombe: uden for "
                       "95 %-grænserne · rødt kryds: uden for 99,8 %-grænserne, dvs. mere "
                       "afvigelse end tilfældig variation forklarer. Kommuner med færre end "
                       "{k} IPS-deltagere vises ikke.",
                       "Blue circle: within the limits · orange diamond: outside the 95 % "
                       "limits · red cross: outside the 99.8 % limits, i.e. more variation "
                       "than chance explains. Municipalities with fewer than {k} IPS "
                       "participants are not shown."),
    "funnel_none": ("Ingen IPS-deltagere med 18-måneders resultat i udvælgelsen.",
                    "No IPS participants with an 18-month outcome in the selection."),
    "sort_by": ("Sortér efter", "Sort by"),
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
    "total_saving": ("Samlet besparelse i udvælgelsen ({py})",
                     "Total saving in the selection ({py})"),
    "ci95_million": ("95 %-KI, mio. kr.", "95% CI, DKK million"),
    "million_dkk": ("{x} mio. kr.", "DKK {x} million"),
    "saving_head": ("Besparelse ved IPS", "Saving with IPS"),
    "cost_head": ("Samlet udgift pr. person, {h} måneder", "Total cost per person, {h} months"),
    "category": ("Udgiftskategori", "Cost category"),
    "total_saving_help": ("Estimat: besparelse pr. person × {n} IPS-deltagere i udvælgelsen.",
                          "Estimate: saving per person × {n} IPS participants in the "
                          "selection."),
    "fig_categories": ("Udgift pr. person efter kategori", "Cost per person by category"),
    "fig_totals": ("Samlet udgift pr. person efter gruppe", "Total cost per person by group"),
    "fig_muni_saving": ("Besparelse pr. person efter kommune",
                        "Saving per person by municipality"),
    "cost_sub": ("{h} måneder · {py}", "{h} months · {py}"),
    "saving_short": ("positiv = IPS billigere", "positive = IPS costs less"),
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
                 "(implementering eller drift); {a} mere har indgået aftale.",
                 "{k} of {n} municipalities in Region Hovedstaden collaborate on IPS on "
                 "{date} (implementing or operating); {a} more have an agreement."),
    "fig_map": ("Kommunernes IPS-status pr. {date}", "Municipalities' IPS status on {date}"),
    "timeline_head": ("Statusforløb", "Status history"),
    "fig_timeline": ("Statusperioder pr. kommune", "Status periods by municipality"),
    "impl_head": ("Implementering", "Implementation"),
    "fig_impl": ("År siden implementeringsstart", "Years since implementation started"),
    "fig_impl_sub": ("Pr. {date} · skraveret: de 2–3 år, det normalt tager",
                     "On {date} · shaded: the usual 2–3 years"),
    "fidelity_sub": ("≤ 73 ikke IPS · 74–99 rimelig · 100–114 god · 115–125 eksemplarisk",
                     "≤ 73 not IPS · 74–99 fair · 100–114 good · 115–125 exemplary"),
    "fig_caseload": ("Aktive deltagere pr. IPS-konsulent (årsværk)",
                     "Active participants per IPS consultant (FTE)"),
    "fig_caseload_sub": ("Pr. {date} · IPS-normen er højst {norm} (stiplet) · n = aktive "
                         "deltagere", "On {date} · the IPS norm is at most {norm} (dashed) · "
                         "n = active participants"),
    "within_norm": ("Inden for normen (≤ {norm})", "Within the norm (≤ {norm})"),
    "over_norm": ("Over normen (> {norm})", "Above the norm (> {norm})"),
    "years_axis": ("År", "Years"),
    "fidelity_head": ("Modeltroskab (IPS-25)", "Fidelity (IPS-25)"),
    "fig_fidelity": ("Seneste IPS-25-score pr. kommune (25–125)",
                     "Latest IPS-25 score by municipality (25–125)"),
    "fig_fidelity_trend": ("IPS-25-score over tid", "IPS-25 score over time"),
    "fidelity_median": ("Median for kommunerne", "Median of the municipalities"),
    "score_axis": ("IPS-25-score (point)", "IPS-25 score (points)"),
    "caseload_head": ("Kapacitet", "Capacity"),
    "caseload_axis": ("Deltagere pr. årsværk", "Participants per FTE"),
    "caseload_none": ("Ingen kommuner med både årsværk og nok aktive deltagere til at vise "
                      "en sagsstamme.",
                      "No municipality has both FTE and enough active participants to show "
                      "a caseload."),
    "impl_none": ("Ingen kommuner har startet implementering pr. denne dato.",
                  "No municipality had started implementing by this date."),
    "status_table": ("Kommuner", "Municipalities"),
    "col_since": ("Siden", "Since"),
    "col_target": ("Målgruppe", "Target group"),
    "col_fte": ("Årsværk (IPS-konsulenter)", "FTE (IPS consultants)"),
    "col_active": ("Aktive deltagere", "Active participants"),
    "col_band": ("Niveau", "Band"),
    "col_reviewed": ("Målt", "Reviewed"),
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
    "validated_in": ("valideret på {s} s ({n} uændrede filer ikke læst igen)",
                     "validated in {s} s ({n} unchanged files not read again)"),
    "data_ok": ("Alle filer er godkendt.", "All files were accepted."),
    "data_rejected": ("{n} fil(er) er afvist og indgår ikke i tallene.",
                      "{n} file(s) were rejected and are not in the figures."),
    "problems": ("Problemer med udtrækket", "Problems with the extract"),
    "tables_head": ("Tabeller", "Tables"),
    "files_head": ("Filer", "Files"),
    "rejections_head": ("Afvisninger", "Rejections"),
    "no_rejections": ("Ingen afvisninger.", "No rejections."),
    "contract_head": ("Kontrakt for udtræk", "Extract contract"),
    "contract_show": ("Vis kontrakten (genereret fra modellerne i ips_data.contract)",
                      "Show the contract (generated from the models in ips_data.contract)"),
    "col_required": ("Påkrævet", "Required"),
    "col_rows": ("Rækker", "Rows"),
    "col_path": ("Fil", "File"),
    "col_size": ("Størrelse (bytes)", "Size (bytes)"),
    "col_mtime": ("Ændret", "Modified"),
    "col_rule": ("Regel", "Rule"),
    "col_column": ("Kolonne", "Column"),
    "col_row_numbers": ("Rækkenumre (op til 5)", "Row numbers (up to 5)"),
    "col_message": ("Forklaring", "Explanation"),
    "no_files": ("Ingen filer fundet i datamappen.", "No files found in the data directory."),
    # rollout map (choropleth)
    "map_measure": ("Kortet viser", "The map shows"),
    "fig_map_share": ("IPS-deltagere i job eller uddannelse inden for 18 måneder ({kind})",
                      "IPS participants in job or education within 18 months ({kind})"),
    "fig_map_caseload": ("Aktive deltagere pr. IPS-konsulent (årsværk) pr. {date}; normen er "
                         "højst {norm}", "Active participants per IPS consultant (FTE) on "
                         "{date}; the norm is at most {norm}"),
    "map_share_crude": ("rå andel, ikke justeret", "crude share, not adjusted"),
    "map_share_adjusted": ("justeret for deltagersammensætning",
                           "adjusted for case-mix"),
    "map_share_col": ("Andel, 18 mdr.", "Share, 18 months"),
    "map_no_rollout": ("ingen udrulningsdata", "no rollout data"),
    "map_no_data": ("Ingen data", "No data"),
    "map_suppressed": ("{label}: færre end 5 personer (skjult)",
                       "{label}: fewer than 5 persons (hidden)"),
    "map_norm": ("norm ≤ {norm}", "norm ≤ {norm}"),
    "map_norm_tick": ("{norm} (norm)", "{norm} (norm)"),
    "map_caption": ("Farve og figur viser status (se også tabellen ved siden af). Lys: "
                    "ingen udrulningsdata. Bornholm vises i egen ramme.",
                    "Colour and shape show the status (see also the table beside). Pale: "
                    "no rollout data. Bornholm is shown in its own frame."),
    "map_caption_hidden": ("Grå med »{label}«: skjult (færre end {k} personer). Lys: ingen "
                           "data. Bornholm vises i egen ramme.",
                           "Grey with \"{label}\": hidden (fewer than {k} persons). Pale: "
                           "no data. Bornholm is shown in its own frame."),
    "map_share_note": ("Andelen er justeret: landsandelen × faktisk/forventet, hvor "
                       "forventet er, hvad kommunens IPS-deltagere ville opnå, hvis de klarede "
                       "sig som landets IPS-deltagere med samme startår, aldersgruppe, køn og "
                       "ydelsesgruppe (se Beskæftigelseseffekt, faktisk og forventet).",
                       "The share is adjusted: the national share × actual/expected, where "
                       "expected is what the municipality's IPS participants would achieve if "
                       "they did as well as the country's IPS participants of the same start "
                       "year, age band, sex and benefit group (see Employment effect, actual "
                       "and expected)."),
    "map_share_note_crude": ("Andelen er den rå andel af kommunens IPS-deltagere med 18 "
                             "måneders opfølgning, der var i job eller uddannelse; den er ikke "
                             "justeret for forskelle i deltagernes sammensætning.",
                             "The share is the crude share of the municipality's IPS "
                             "participants with 18 months of follow-up who were in job or "
                             "education; it is not adjusted for differences in case-mix."),
    "map_table": ("Kommunerne på kortet", "Municipalities on the map"),
    # fidelity profile
    "profile_head": ("Fidelitetsprofil (IPS-25)", "Fidelity profile (IPS-25)"),
    "profile_municipality": ("Kommune", "Municipality"),
    "profile_latest": ("Seneste måling {date}: {score} point – {band}",
                       "Latest review {date}: {score} points – {band}"),
    "profile_previous": ("Forrige måling {date}: {score} point – {band}",
                         "Previous review {date}: {score} points – {band}"),
    "profile_only_one": ("Ingen tidligere måling at sammenligne med.",
                         "No earlier review to compare with."),
    "profile_overdue": ("Kvalitetsmåling mangler: seneste måling er over 12 måneder gammel "
                        "(skulle være gentaget senest {due}). STAR beder om en måling hvert "
                        "år.", "Fidelity review missing (kvalitetsmåling mangler): the latest "
                        "review is more than 12 months old (due by {due}). STAR asks for a "
                        "review every year."),
    "profile_overdue_list": ("Kvalitetsmåling mangler (seneste måling over 12 måneder "
                             "gammel): {names}.", "Fidelity review missing (latest review "
                             "more than 12 months old): {names}."),
    "profile_total_only": ("Målingen har ingen scorer for de enkelte punkter; kun totalen "
                           "vises.", "The review has no item scores; only the total is "
                           "shown."),
    "profile_missing_items": ("Ikke scoret i seneste måling: punkt {items}.",
                              "Not scored in the latest review: item(s) {items}."),
    "profile_action": ("Handlingsplan: punkter med score 1–2", "Action plan: items scored 1–2"),
    "profile_no_action": ("Ingen punkter med score 1–2.", "No items scored 1–2."),
    "fig_profile": ("IPS-25-punkter efter de otte principper (1–5)",
                    "IPS-25 items by the eight principles (1–5)"),
    "fig_profile_sub": ("Søjle: seneste måling {date} · ◆ forrige måling · rød/⚠: score 1–2 "
                        "(handlingsplan)", "Bar: latest review {date} · ◆ previous review · "
                        "red/⚠: score 1–2 (action plan)"),
    "profile_latest_short": ("Seneste", "Latest"),
    "profile_previous_short": ("Forrige", "Previous"),
    "profile_change": ("Ændring", "Change"),
    "profile_item": ("Punkt", "Item"),
    "profile_principle": ("Princip", "Principle"),
    "profile_action_col": ("Handlingsplan", "Action plan"),
    "item_axis": ("Score (1–5)", "Score (1–5)"),
    "profile_none": ("Ingen kommuner i udvælgelsen har en IPS-25-måling pr. denne dato.",
                     "No municipality in the selection has an IPS-25 review by this date."),
    "profile_source": ("Punkterne er IPS Employment Centers fidelitetsskala (IPS-25); "
                       "grupperingen efter de otte principper er dashboardets egen (se "
                       "README).", "The items are the IPS Employment Center's fidelity scale "
                       "(IPS-25); the grouping by the eight principles is the dashboard's "
                       "own (see README)."),
    "yes": ("Ja", "Yes"),
    # overview trend
    "ov_trend_head": ("Udvikling efter startår", "By start year"),
    "fig_trend_participants": ("IPS-deltagere pr. startår", "IPS participants by start year"),
    "fig_trend_share": ("IPS i job/uddannelse inden for 18 mdr. (95 %-KI)",
                        "IPS in job/education within 18 months (95 % CI)"),
    "persons_axis": ("Personer", "Persons"),
    "trend_waiting": ("ikke observerbar endnu", "not yet observable"),
    "trend_table": ("Vis tallene som tabel", "Show the figures as a table"),
    "col_participants": ("IPS-deltagere", "IPS participants"),
    "col_n18": ("n med 18 mdr.", "n with 18 months"),
    # login and access scopes (issue 12)
    "login": ("Log ind", "Log in"),
    "logout": ("Log ud", "Log out"),
    "login_intro": ("IPS-dashboardet kræver login.", "The IPS dashboard requires login."),
    "logged_in_as": ("Logget ind som {user}", "Logged in as {user}"),
    "open_demo": ("Åben demo uden login: alle kommuner vises.",
                  "Open demo without login: every municipality is shown."),
    "scope_caption": ("Din adgang: {scope}", "Your access: {scope}"),
    "no_scope": ("Din bruger ({user}) har ikke adgang til nogen kommuner. Kontakt "
                 "administratoren af dashboardet for at få adgang.",
                 "Your user ({user}) has access to no municipality. Ask the dashboard's "
                 "administrator for access."),
    "config_error": ("Dashboardet er ikke sat korrekt op og åbnes ikke: {error}",
                     "The dashboard is not configured correctly and does not open: {error}"),
    "out_of_scope": ("{n} kommune(r) eller region(er) i adressen ligger uden for din adgang "
                     "og er ignoreret.",
                     "{n} municipality(ies) or region(s) in the address are outside your "
                     "access and were ignored."),
    "rollout_scope_total": ("Tællingen omfatter de kommuner i Region Hovedstaden, du har "
                            "adgang til ({n}).",
                            "The count covers the municipalities of Region Hovedstaden you "
                            "have access to ({n})."),
    "report_head": ("Rapport til kommunens ledelse (PDF)", "Report for the municipality's "
                    "leadership (PDF)"),
    "report_intro": ("En A4-side pr. kommune med tallene pr. {date} for hele kommunen (uden "
                     "sidens filtre): status, deltagere, job/uddannelse, faktisk og forventet, "
                     "fidelitet og udviklingen efter startår.",
                     "One A4 page per municipality with the figures as of {date} for the whole "
                     "municipality (without the page's filters): status, participants, "
                     "job/education, observed and expected, fidelity and the trend by start "
                     "year."),
    "report_pick": ("Kommune i rapporten", "Municipality of the report"),
    "report_button": ("Hent rapport (PDF)", "Download report (PDF)"),
    "report_region_button": ("Hent regionsoversigt (PDF)", "Download region summary (PDF)"),
}

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "horizon": {"18": ("18 måneder", "18 months"), "30": ("30 måneder", "30 months")},
    "arm": CODE_LABELS["arm"],
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
    "status": {**CODE_LABELS["status"], "no_data": ("Ingen data", "No data")},
    "category": {
        "psychiatric_inpatient": ("Psykiatrisk indlæggelse", "Psychiatric inpatient"),
        "psychiatric_outpatient": ("Psykiatrisk ambulant", "Psychiatric outpatient"),
        "psychiatric_emergency": ("Psykiatrisk akut", "Psychiatric emergency"),
        "primary_care": ("Almen praksis", "Primary care"),
        "employment_services": ("Beskæftigelsesindsats", "Employment services"),
        "social_services": ("Sociale indsatser", "Social services"),
        "ips_service": ("IPS-indsats", "IPS service"),
    },
    "band": CODE_LABELS["band"],
    "target_group": {
        "adults": ("Voksne", "Adults"), "youth": ("Unge", "Youth"), "both": ("Begge", "Both"),
    },
    "fidelity_item": CODE_LABELS["fidelity_item"],
    "principle": CODE_LABELS["principle"],
    "map_measure": {
        "status": ("Status", "Status"),
        "share_18": ("Andel i job/uddannelse, 18 mdr.", "Share in job/education, 18 months"),
        "caseload": ("Deltagere pr. årsværk (norm 20)", "Participants per FTE (norm 20)"),
    },
    "file_status": {
        "accepted": ("Godkendt", "Accepted"),
        "rejected": ("Afvist", "Rejected"),
        "ignored": ("Ignoreret", "Ignored"),
    },
}


_WORDING = Wording(TEXTS, LABELS)
t = _WORDING.t
label = _WORDING.label


def code_of(kind: str, text: object) -> object:
    """The code whose name in either language (or which itself) is ``text``; else ``text``."""
    for code, names in LABELS[kind].items():
        if text == code or text in names:
            return code
    return text


# Accessibility (issue 16): the statement page, its link and the charts' text alternatives.
TEXTS.update({
    "nav_a11y": ("Tilgængelighed", "Accessibility"),
    "a11y_link": ("Tilgængelighedserklæring", "Accessibility statement"),
    "a11y_title": ("Tilgængelighedserklæring", "Accessibility statement"),
    "a11y_english_note": ("Oplysningerne til tilgængelighedserklæringen står på engelsk, "
                          "som i projektets README (afsnittet »Tilgængelighed«).",
                          "The facts for the accessibility statement, as in the project's "
                          "README (section \"Tilgængelighed\")."),
    "chart_alt": ("Diagram: {title}. Tallene står i tabellen på siden.",
                  "Chart: {title}. The figures are in the table on this page."),
    "diff_table": ("Forskel pr. opfølgningstid", "Difference per follow-up horizon"),
    "col_horizon": ("Opfølgning", "Follow-up"),
    "col_measure": ("Mål", "Measure"),
    "timeline_table": ("Statusperioder som tabel", "Status periods as a table"),
    "col_from": ("Fra", "From"),
    "col_to": ("Til", "To"),
    "funnel_inside": ("Inden for grænserne", "Within the limits"),
    "funnel_out95": ("Uden for 95 %-grænsen", "Outside the 95 % limit"),
    "funnel_out998": ("Uden for 99,8 %-grænsen", "Outside the 99.8 % limit"),
})

# ---- adjusted comparisons (contract section 4b): effect page
TEXTS.update({
    "adj_head": ("Sammenlign lige med lige: justeret forskel",
                 "Like with like: the adjusted difference"),
    "adj_note": ("Deltagerne i IPS og sammenligningsgruppen er ikke ens: de adskiller sig fx i "
                 "alder og ydelse. Den justerede forskel sammenligner lige med lige på fire "
                 "kendetegn – startår, aldersgruppe, køn og ydelsesgruppe – ved at vægte "
                 "sammenligningsgruppen, så den ligner IPS-gruppen på dem. Det er ikke et "
                 "lodtrækningsforsøg: forskelle, som ingen har målt (fx motivation eller "
                 "sygdommens sværhed), kan stadig påvirke tallet.",
                 "The people in IPS and in the comparison group are not alike: they differ "
                 "in, e.g., age and benefit. The adjusted difference compares like with like "
                 "on four characteristics – start year, age band, sex and benefit group – by "
                 "weighting the comparison group to look like the IPS group on them. It is "
                 "not a randomised trial: differences nobody measured (e.g. motivation or "
                 "severity of illness) can still affect the figure."),
    "crude": ("Rå", "Crude"),
    "adjusted": ("Justeret", "Adjusted"),
    "adj_card": ("Justeret forskel, {h}", "Adjusted difference, {h}"),
    "crude_card": ("Rå forskel, {h}", "Crude difference, {h}"),
    "support_card": ("IPS med sammenligningsgrundlag", "IPS with a comparison"),
    "support_note": ("{n} udeladt", "{n} left out"),
    "support_help": ("Andelen af IPS-deltagerne, hvis kombination af startår, aldersgruppe, "
                     "køn og ydelsesgruppe også findes i sammenligningsgruppen. De øvrige "
                     "udelades af den justerede forskel.",
                     "The share of IPS participants whose combination of start year, age "
                     "band, sex and benefit group also occurs in the comparison group. The "
                     "others are left out of the adjusted difference."),
    "adj_reason_no_ips": ("Den justerede forskel kan ikke beregnes: udvælgelsen har ingen "
                          "IPS-deltagere med resultat ved {h} måneder.",
                          "The adjusted difference cannot be computed: the selection has no "
                          "IPS participants with an outcome at {h} months."),
    "adj_reason_no_comparison": ("Den justerede forskel kan ikke beregnes: udvælgelsen har "
                                 "ingen personer i sammenligningsgruppen med resultat ved {h} "
                                 "måneder (er gruppen valgt fra i sidepanelet?).",
                                 "The adjusted difference cannot be computed: the selection "
                                 "has no comparison persons with an outcome at {h} months "
                                 "(is the group deselected in the sidebar?)."),
    "adj_reason_no_support": ("Den justerede forskel kan ikke beregnes: ingen IPS-deltager "
                              "har en person i sammenligningsgruppen med samme startår, "
                              "aldersgruppe, køn og ydelsesgruppe.",
                              "The adjusted difference cannot be computed: no IPS participant "
                              "has a comparison person with the same start year, age band, "
                              "sex and benefit group."),
    "adj_reason_too_few": ("Den justerede forskel vises ikke: færre end {k} IPS- eller "
                           "sammenligningspersoner har et sammenligningsgrundlag "
                           "(diskretionering).",
                           "The adjusted difference is not shown: fewer than {k} IPS or "
                           "comparison persons have a comparison (disclosure control)."),
    "fig_forest_both": ("Forskel IPS − sammenligning, rå og justeret",
                        "Difference IPS − comparison, crude and adjusted"),
    "balance_head": ("Balance: ligner grupperne hinanden?", "Balance: are the groups alike?"),
    "balance_caption": ("Andel med hvert kendetegn i IPS-gruppen, i sammenligningsgruppen og i "
                        "den vægtede sammenligningsgruppe ved {h} måneder. d = standardiseret "
                        "forskel; |d| ≥ 0,1 regnes som ubalance og er markeret. Efter "
                        "vægtning er d kun forskellig fra 0, hvor IPS-deltagere er udeladt.",
                        "Share with each characteristic among IPS, the comparison group and "
                        "the weighted comparison group at {h} months. d = standardised "
                        "difference; |d| ≥ 0.1 counts as imbalance and is marked. After "
                        "weighting d differs from 0 only where IPS participants were left "
                        "out."),
    "bal_variable": ("Kendetegn", "Characteristic"),
    "bal_level": ("Værdi", "Value"),
    "bal_ips": ("IPS", "IPS"),
    "bal_cmp": ("Sammenligning", "Comparison"),
    "bal_cmp_w": ("Sammenligning, vægtet", "Comparison, weighted"),
    "bal_d_crude": ("d før vægtning", "d before weighting"),
    "bal_d_weighted": ("d efter vægtning", "d after weighting"),
    "bal_flag_crude": ("|d| ≥ 0,1 før", "|d| ≥ 0.1 before"),
    "bal_flag_weighted": ("|d| ≥ 0,1 efter", "|d| ≥ 0.1 after"),
    # municipality benchmark
    "bench_head": ("Faktisk og forventet: kommunerne sammenlignet på lige fod",
                   "Actual and expected: municipalities compared on equal terms"),
    "bench_intro": ("Forventet = det antal IPS-deltagere i job eller uddannelse inden for 18 "
                    "måneder, kommunen ville have, hvis hver af dens deltagere klarede sig "
                    "som landets IPS-deltagere med samme startår, aldersgruppe, køn og "
                    "ydelsesgruppe (samme filtre, alle kommuner). Faktisk − forventet > 0: "
                    "bedre end forventet. Justeret andel = landsandelen × faktisk/forventet.",
                    "Expected = the number of IPS participants in job or education within 18 "
                    "months the municipality would have if each of its participants did as "
                    "well as the country's IPS participants of the same start year, age "
                    "band, sex and benefit group (same filters, all municipalities). Actual − "
                    "expected > 0: better than expected. Adjusted share = the national share "
                    "× actual/expected."),
    "funnel_kind": ("Tragtdiagram", "Funnel plot"),
    "funnel_limits": ("Markér kommuner uden for", "Flag municipalities outside"),
    "fig_funnel_adj": ("Tragtdiagram: justeret IPS-andel i job/uddannelse ved 18 mdr. pr. "
                       "kommune",
                       "Funnel plot: adjusted IPS share in job/education at 18 months by "
                       "municipality"),
    "funnel_adj_axis": ("Justeret andel (%)", "Adjusted share (%)"),
    "funnel_national": ("Landsandel {p}", "National share {p}"),
    "funnel_adj_caption": ("Grå: eksakte binomiale grænser · blå: grænser justeret for "
                           "overspredning (τ² = {tau2}, {i} kommuner med mindst {k} "
                           "IPS-deltagere). Farve og form følger de valgte grænser, "
                           "tabellen viser begge; "
                           "kommuner med færre end {k} IPS-deltagere vises ikke.",
                           "Grey: exact binomial limits · blue: limits adjusted for "
                           "overdispersion (τ² = {tau2}, {i} municipalities with at least {k} "
                           "IPS participants). Colour and shape follow the chosen limits, "
                           "the table shows both; "
                           "municipalities with fewer than {k} IPS participants are not "
                           "shown."),
    "bench_observed": ("Faktisk", "Actual"),
    "bench_expected": ("Forventet", "Expected"),
    "bench_o_minus_e": ("Faktisk − forventet (personer)", "Actual − expected (persons)"),
    "bench_oe": ("Faktisk/forventet", "Actual/expected"),
    "bench_adjusted": ("Justeret andel", "Adjusted share"),
    "bench_exact": ("Eksakte grænser", "Exact limits"),
    "bench_od": ("Overspredningsgrænser", "Overdispersion limits"),
    "bench_none": ("Ingen IPS-deltagere med 18-måneders resultat i udvælgelsen.",
                   "No IPS participants with an 18-month outcome in the selection."),
    "limit_exact_95": ("95 % (binomial)", "95 % (binomial)"),
    "limit_exact_998": ("99,8 % (binomial)", "99.8 % (binomial)"),
    "limit_od_95": ("95 % (overspredning)", "95 % (overdispersion)"),
    "limit_od_998": ("99,8 % (overspredning)", "99.8 % (overdispersion)"),
    "hover_observed": ("faktisk", "actual"),
    "hover_expected": ("forventet", "expected"),
})
TEXTS.update({
    # the name of the radio group that chooses a page's open section (ui.sections)
    "sections": ("Afsnit", "Section"),
})
LABELS.update({
    # the pages' sections (ui.sections): only the open one is drawn
    "section": {
        "effect": ("Effekt", "Effect"),
        "adjusted": ("Lige med lige", "Like with like"),
        "trend": ("Udvikling og opdelinger", "Trend and breakdowns"),
        "municipalities": ("Kommuner", "Municipalities"),
        "map": ("Kort", "Map"),
        "status": ("Status og forløb", "Status and history"),
        "fidelity": ("Modeltroskab og kapacitet", "Fidelity and capacity"),
        "costs": ("Udgifter", "Costs"),
    },
    "funnel_kind": {"adjusted": ("Justeret (faktisk og forventet)",
                                 "Adjusted (actual and expected)"),
                    "crude": ("Rå andele", "Crude shares")},
    "funnel_limits": {"overdispersed": ("Grænser justeret for overspredning",
                                        "Limits adjusted for overdispersion"),
                      "exact": ("Eksakte binomiale grænser", "Exact binomial limits")},
    "flag": {
        "above_998": ("Over 99,8 %", "Above 99.8 %"),
        "above_95": ("Over 95 %", "Above 95 %"),
        "inside": ("Inden for", "Inside"),
        "below_95": ("Under 95 %", "Below 95 %"),
        "below_998": ("Under 99,8 %", "Below 99.8 %"),
    },
    "stratum": {
        "start_year": ("Startår", "Start year"),
        "age_band": ("Aldersgruppe", "Age band"),
        "sex": ("Køn", "Sex"),
        "benefit_group": ("Ydelsesgruppe", "Benefit group"),
    },
    "level": {
        "F": ("Kvinder", "Women"), "M": ("Mænd", "Men"), "unknown": ("Ukendt", "Unknown"),
        "cash": ("Kontant- og uddannelseshjælp", "Social and education assistance"),
        "clarification": ("Ressourceforløb, jobafklaring, revalidering",
                          "Resource course, job clarification, rehabilitation"),
        "insured": ("Dagpenge, sygedagpenge, ledighedsydelse",
                    "Unemployment, sickness and flex-job waiting benefit"),
        "other": ("Førtidspension, selvforsørgende, andet, ukendt",
                  "Disability pension, self-supporting, other, unknown"),
    },
})
