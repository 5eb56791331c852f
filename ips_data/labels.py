"""Danish and English names of the contract's codes that both the dashboard and the PDF
reports show (the engine never imports the UI, so the names live here once): the arms,
the rollout statuses, the IPS-25 fidelity bands, items and the eight principles the items
are grouped by; and `Wording`, the lookup of texts and code names both of them use."""

from __future__ import annotations

from dataclasses import dataclass

from ips_data.formatting import Lang

CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "arm": {
        "ips": ("IPS", "IPS"),
        "ips_like": ("IPS-lignende", "IPS-like"),
        "comparison": ("Sammenligning", "Comparison"),
    },
    "status": {
        "not_started": ("Ikke startet", "Not started"),
        "agreement": ("Aftale", "Agreement"),
        "implementing": ("Implementering", "Implementing"),
        "operating": ("I drift", "Operating"),
        "stopped": ("Stoppet", "Stopped"),
    },
    "band": {
        "exemplary": ("Eksemplarisk (115–125)", "Exemplary (115–125)"),
        "good": ("God (100–114)", "Good (100–114)"),
        "fair": ("Rimelig (74–99)", "Fair (74–99)"),
        "not_ips": ("Ikke IPS (≤ 73)", "Not IPS (≤ 73)"),
    },
    "fidelity_item": {
        "caseload_size": ("Sagsstamme", "Caseload size"),
        "employment_services_staff": ("Medarbejdere kun med beskæftigelse",
                                      "Employment services staff"),
        "vocational_generalists": ("IPS-konsulenten varetager alle faser",
                                   "Vocational generalists"),
        "integration_team_assignment": ("Integration: tilknytning til behandlingsteam",
                                        "Integration through team assignment"),
        "integration_team_contact": ("Integration: hyppig kontakt med behandlingsteam",
                                     "Integration through frequent team contact"),
        "collaboration_vr": ("Samarbejde med jobcenter/revalidering",
                             "Collaboration with vocational rehabilitation"),
        "vocational_unit": ("IPS-enhed (team af konsulenter)", "Vocational unit"),
        "employment_supervisor": ("IPS-leders rolle", "Role of employment supervisor"),
        "zero_exclusion": ("Ingen eksklusionskriterier", "Zero exclusion criteria"),
        "agency_focus": ("Organisationens fokus på ordinært arbejde",
                         "Agency focus on competitive employment"),
        "executive_support": ("Ledelsens opbakning", "Executive team support"),
        "work_incentives_planning": ("Rådgivning om økonomi og ydelser",
                                     "Work incentives planning"),
        "disclosure": ("Åbenhed om sygdom over for arbejdsgiver", "Disclosure"),
        "work_based_assessment": ("Løbende arbejdsbaseret vurdering",
                                  "Ongoing work-based assessment"),
        "rapid_job_search": ("Hurtig jobsøgning", "Rapid job search"),
        "individualised_job_search": ("Individuel jobsøgning", "Individualised job search"),
        "job_development_frequency": ("Jobudvikling: hyppig arbejdsgiverkontakt",
                                      "Job development – frequent employer contact"),
        "job_development_quality": ("Jobudvikling: kvalitet af arbejdsgiverkontakt",
                                    "Job development – quality of employer contact"),
        "diversity_job_types": ("Forskellige typer job", "Diversity of job types"),
        "diversity_employers": ("Forskellige arbejdsgivere", "Diversity of employers"),
        "competitive_jobs": ("Ordinære job", "Competitive jobs"),
        "individualised_follow_along": ("Individuel støtte i job",
                                        "Individualised follow-along supports"),
        "time_unlimited_follow_along": ("Tidsubegrænset støtte i job",
                                        "Time-unlimited follow-along supports"),
        "community_based_services": ("Indsats ude i lokalsamfundet", "Community-based services"),
        "assertive_engagement": ("Opsøgende indsats og fastholdelse",
                                 "Assertive engagement and outreach"),
    },
    "principle": {
        "competitive_employment": ("Fokus på ordinært job", "Focus on competitive employment"),
        "zero_exclusion": ("Alle der ønsker job kan deltage", "Eligibility based on client choice"),
        "integration": ("Integration af beskæftigelse og behandling",
                        "Integration of employment and mental health services"),
        "preferences": ("Borgerens ønsker", "Attention to client preferences"),
        "benefits_planning": ("Rådgivning om økonomi og ydelser", "Work incentives planning"),
        "rapid_job_search": ("Hurtig jobsøgning", "Rapid job search"),
        "job_development": ("Systematisk jobudvikling", "Systematic job development"),
        "follow_along": ("Tidsubegrænset, individuel støtte",
                         "Time-unlimited, individualised support"),
    },
}


def in_sentence(names: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """The same names starting with a small letter, to stand inside a sentence
    (``"Ikke IPS (≤ 73)"`` → ``"ikke IPS (≤ 73)"``)."""
    return {code: (da[:1].lower() + da[1:], en[:1].lower() + en[1:])
            for code, (da, en) in names.items()}


@dataclass(frozen=True)
class Wording:
    """Danish and English texts (key → (da, en)) and names of codes (kind → code →
    (da, en)) of one audience, the dashboard or the reports. A missing text key or code
    kind raises KeyError, so a typo fails the tests instead of showing a blank."""

    texts: dict[str, tuple[str, str]]
    labels: dict[str, dict[str, tuple[str, str]]]

    def t(self, key: str, lang: Lang, **values: object) -> str:
        """The text ``key`` in ``lang`` with ``values`` filled in."""
        da, en = self.texts[key]
        text = da if lang == "da" else en
        return text.format(**values) if values else text

    def label(self, kind: str, code: object, lang: Lang) -> str:
        """The name of a code (``label("arm", "ips", "da") == "IPS"``); an unknown code is
        shown as itself, None as an en dash."""
        names = self.labels[kind].get(str(code))
        if names is None:
            return "–" if code is None else str(code)
        return names[0] if lang == "da" else names[1]
