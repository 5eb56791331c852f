"""Danish (default) and English texts of the PDF reports.

The engine never imports the Streamlit UI, so the reports keep their own texts here;
the names of codes and `t`/`label` come from `ips_data.labels`, as the dashboard's do.
"""

from __future__ import annotations

from ips_data.labels import CODE_LABELS, Wording, in_sentence

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("IPS i {name}", "IPS in {name}"),
    "subtitle": ("{region} · kommunekode {code} · tal pr. {as_of}",
                 "{region} · municipality code {code} · figures as of {as_of}"),
    "region_title": ("IPS i {region}", "IPS in {region}"),
    "region_subtitle": ("Regionsoversigt · regionskode {code} · tal pr. {as_of}",
                        "Region summary · region code {code} · figures as of {as_of}"),
    # status
    "sec_status": ("Status og implementering", "Status and implementation"),
    "status_line": ("Status: {status} siden {since}", "Status: {status} since {since}"),
    "status_none": ("Ingen udrulningsdata for kommunen.", "No rollout data for the municipality."),
    "impl_started": ("Implementeringen begyndte {date}: {years} år siden.",
                     "Implementation began {date}: {years} years ago."),
    "impl_not_started": ("Implementeringen er ikke begyndt.", "Implementation has not begun."),
    "impl_usual": ("Implementering tager normalt 2–3 år: {verdict}.",
                   "Implementation usually takes 2–3 years: {verdict}."),
    "impl_below": ("under 2 år", "less than 2 years"),
    "impl_within": ("inden for 2–3 år", "within 2–3 years"),
    "impl_above": ("mere end 3 år", "more than 3 years"),
    "target": ("Målgruppe: {target}.", "Target group: {target}."),
    "units": ("Psykiatri: {units}.", "Psychiatry: {units}."),
    # capacity
    "sec_capacity": ("Deltagere og sagsstamme", "Participants and caseload"),
    "active": ("Aktive deltagere (IPS og IPS-lignende)", "Active participants (IPS and IPS-like)"),
    "fte": ("IPS-konsulenter (årsværk)", "IPS consultants (FTE)"),
    "caseload": ("Sagsstamme pr. årsværk", "Caseload per FTE"),
    "norm_ok": ("inden for normen på højst {norm}", "within the norm of at most {norm}"),
    "norm_over": ("over normen på højst {norm}", "above the norm of at most {norm}"),
    "norm_unknown": ("normen er højst {norm}", "the norm is at most {norm}"),
    # effect
    "sec_effect": ("Job eller uddannelse efter 18 og 30 måneder",
                   "Job or education after 18 and 30 months"),
    "col_horizon": ("Horisont", "Horizon"),
    "col_arm": ("Gruppe", "Group"),
    "col_n": ("n", "n"),
    "col_any": ("På et tidspunkt (95 % KI)", "At any time (95 % CI)"),
    "col_end": ("Ved periodens slutning (95 % KI)", "At the end (95 % CI)"),
    "difference": ("Forskel IPS − sammenligning", "Difference IPS − comparison"),
    "months": ("{h} mdr.", "{h} months"),
    "effect_note": ("n = deltagere med et opgjort udfald.", "n = participants with an outcome."),
    "effect_waiting": ("{waiting} IPS-deltagere er endnu ikke observerbare efter 18 måneder.",
                       "{waiting} IPS participants are not yet observable at 18 months."),
    "adjusted_difference": ("Justeret forskel", "Adjusted difference"),
    "effect_adjusted": (
        "Den justerede forskel sammenligner med deltagere af samme startår, alder, køn og "
        "ydelse (sammenligningsgruppen vægtet til IPS-deltagerne); {support} af "
        "IPS-deltagerne efter 18 måneder havde en sådan sammenligning.",
        "The adjusted difference compares like with like: start year, age, sex and benefit "
        "(the comparison group weighted to the IPS participants); {support} of the IPS "
        "participants at 18 months had such a comparison."),
    "effect_none": ("Ingen deltagere med opgjort udfald.", "No participants with an outcome."),
    # benchmark
    "sec_benchmark": ("Faktisk og forventet (IPS, 18 måneder)",
                      "Observed and expected (IPS, 18 months)"),
    "observed": ("Faktisk (O) i job/uddannelse", "Observed (O) in job/education"),
    "expected": ("Forventet (E)", "Expected (E)"),
    "oe": ("O/E", "O/E"),
    "adjusted_share": ("Justeret andel", "Adjusted share"),
    "pooled": ("Referenceandel (hele udtrækket)", "Reference share (whole extract)"),
    "position": ("Placering i tragten", "Position in the funnel"),
    "pos_inside": ("inden for 95 %-grænserne", "inside the 95 % limits"),
    "pos_above_95": ("over den øvre 95 %-grænse", "above the upper 95 % limit"),
    "pos_above_998": ("over den øvre 99,8 %-grænse", "above the upper 99.8 % limit"),
    "pos_below_95": ("under den nedre 95 %-grænse", "below the lower 95 % limit"),
    "pos_below_998": ("under den nedre 99,8 %-grænse", "below the lower 99.8 % limit"),
    "bench_adjusted": (
        "Forventet (E) ud fra deltagernes startår, alder, køn og ydelse og andelene for "
        "IPS-deltagere i hele udtrækket (indirekte standardisering); justeret andel = "
        "referenceandel × O/E.",
        "Expected (E) from the participants' start year, age, sex and benefit and the "
        "shares of IPS participants in the whole extract (indirect standardisation); "
        "adjusted share = reference share × O/E."),
    "tau2": ("Overspredning mellem kommunerne: τ² = {tau2} (grænserne med overspredning "
             "er bredere).",
             "Overdispersion between the municipalities: τ² = {tau2} (the limits allowing "
             "for it are wider)."),
    "tau2_none": ("Ingen overspredning mellem kommunerne (τ² = 0).",
                  "No overdispersion between the municipalities (τ² = 0)."),
    "bench_none": ("For få IPS-deltagere med 18-måneders udfald til en sammenligning.",
                   "Too few IPS participants with an 18-month outcome for a comparison."),
    "funnel_x": ("IPS-deltagere med 18-mdr.-udfald (n)", "IPS participants with an 18-month "
                 "outcome (n)"),
    "funnel_y": ("Andel i job/udd. (%)", "Share in job/education (%)"),
    "funnel_limits": ("Tragten: stiplet = 95 %-grænser, prikket = 99,8 %-grænser (eksakte "
                      "binomialgrænser om referenceandelen, vandret linje).",
                      "Funnel: dashed = 95 % limits, dotted = 99.8 % limits (exact binomial "
                      "limits around the reference share, horizontal line)."),
    "bench_n": ("IPS-deltagere med udfald (n)", "IPS participants with an outcome (n)"),
    # fidelity
    "sec_fidelity": ("Fidelitet (IPS-25)", "Fidelity (IPS-25)"),
    "fidelity_line": ("Seneste måling {date}: {score} point, {band}.",
                      "Latest review {date}: {score} points, {band}."),
    "fidelity_none": ("Ingen fidelitetsmåling.", "No fidelity review."),
    "fidelity_overdue": ("Kvalitetsmåling mangler: seneste måling er over 12 måneder gammel.",
                         "Review overdue: the latest review is more than 12 months old."),
    "weakest": ("Svageste punkter", "Weakest items"),
    "weakest_none": ("Målingen har ingen punktscorer.", "The review has no item scores."),
    "item": ("{no}. {name}: {score}", "{no}. {name}: {score}"),
    # trend
    "sec_trend": ("Udvikling efter startår (18 måneder, på et tidspunkt)",
                  "Trend by start year (18 months, at any time)"),
    "col_year": ("Startår", "Start year"),
    "trend_none": ("Ingen startår med opgjort 18-måneders udfald.",
                   "No start year with an 18-month outcome."),
    "trend_y": ("Andel i job/udd. (%)", "Share in job/education (%)"),
    # footer
    "extract": ("Udtræk {extract} · referencedato {as_of} · datakontrakt v{version}.",
                "Extract {extract} · reference date {as_of} · data contract v{version}."),
    "disclosure": (
        "Diskretion: tal der bygger på færre end {k} personer vises som «{label}», og hvor "
        "en skjult celle kunne regnes ud af en total, skjules også den næstmindste. "
        "Fidelitetsscorer og årsværk er ikke personhenførbare og vises altid. KI = 95 % "
        "konfidensinterval (Wilson for andele, Newcombe for forskelle).",
        "Disclosure: figures based on fewer than {k} persons are shown as “{label}”, and "
        "where a hidden cell could be derived from a total, the next smallest is hidden too. "
        "Fidelity scores and FTE are not person-based and are always shown. CI = 95 % "
        "confidence interval (Wilson for shares, Newcombe for differences)."),
    # region
    "sec_region_effect": ("Regionen samlet", "The region as a whole"),
    "sec_region_table": ("Kommunerne", "The municipalities"),
    "sec_region_status": ("Status pr. {date}", "Status on {date}"),
    "collaborating": ("{k} af {n} kommuner implementerer eller driver IPS; {a} har en aftale.",
                      "{k} of {n} municipalities are implementing or operating IPS; {a} have "
                      "an agreement."),
    "col_code": ("Kode", "Code"),
    "col_municipality": ("Kommune", "Municipality"),
    "col_status": ("Status", "Status"),
    "col_years": ("År siden start", "Years since start"),
    "col_active": ("Aktive", "Active"),
    "col_caseload": ("Sagsst./årsv.", "Caseload/FTE"),
    "col_n18": ("n 18 mdr.", "n 18 m"),
    "col_share18": ("Andel 18 mdr.", "Share 18 m"),
    "col_oe": ("O/E", "O/E"),
    "col_fidelity": ("IPS-25", "IPS-25"),
    "no_data": ("Ingen data", "No data"),
}

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "arm": CODE_LABELS["arm"],
    "status": CODE_LABELS["status"],
    "band": in_sentence(CODE_LABELS["band"]),
    "target_group": {"adults": ("voksne", "adults"), "youth": ("unge", "youth"),
                     "both": ("voksne og unge", "adults and youth")},
    "fidelity_item": CODE_LABELS["fidelity_item"],
}

_WORDING = Wording(TEXTS, LABELS)
t = _WORDING.t
label = _WORDING.label
