"""A larger labelled set for the suggestion benchmark: templated findings, labelled synthetic.

The bundled example has 75 coded excerpts, too few to say much about a classifier. This module
writes N findings about peer support work, each built from a template: who reported it, one of
ten or so ways of expressing a subtheme (a cue), and neutral filler. A quarter of the findings
carry a second subtheme; one in ten mentions a cue of a subtheme it is *not* labelled with (the
kind of passing mention that makes real coding hard); and the codebook's definitions use only
two of each subtheme's cues, so matching the codebook's words cannot find the rest. It is
synthetic text, easier than a real review's prose, and bench_nlp.py says so when it prints.
"""

from __future__ import annotations

import random

from workbench.core.model import Codebook, Subtheme, Theme
from workbench.nlp.suggest import Labelled

# subtheme → cues (the first two are the words its definition uses)
CUES: dict[str, tuple[str, ...]] = {
    "Pay": ("low pay", "wages", "earned little", "unpaid overtime", "cheap labour", "a pay cut",
            "money worries", "short contracts", "the salary scale", "the benefits trap"),
    "Boundaries": ("boundaries", "friendship", "meeting clients socially", "where helping ended",
                   "being a friend or a worker", "texts late at night", "personal phone numbers",
                   "the line with clients", "seeing clients at the shops", "old friends as clients"),
    "Supervision": ("supervision", "a supervisor", "someone to debrief with", "line management",
                    "reflective practice sessions", "checking in with a manager", "case reviews",
                    "no one to ask", "monthly one-to-ones", "clinical oversight"),
    "Training": ("training", "induction", "courses", "a certificate", "learning on the job",
                 "skills workshops", "being taught", "accredited modules", "shadowing colleagues",
                 "preparation for the post"),
    "Role ambiguity": ("unclear role", "job description", "what they were for", "a vague remit",
                       "nobody explained the post", "making the job up", "shifting duties",
                       "confusion about tasks", "an undefined position", "guessing expectations"),
    "Disclosure": ("disclosure", "sharing their story", "telling clients about their diagnosis",
                   "keeping their history private", "revealing past illness", "opening up about relapse",
                   "choosing what to tell", "being open about hospital stays", "their own story",
                   "hiding their past"),
    "Stigma from colleagues": ("stigma", "colleagues", "jokes about mental illness", "being looked down on",
                               "excluded from the staff room", "treated like a patient",
                               "whispering in the office", "doubted by nurses", "talked over in meetings",
                               "labelled as fragile"),
    "Hope": ("hope", "role model", "living proof", "recovery is possible", "inspiration", "a future",
             "someone who had made it", "seeing a way forward", "a better life ahead", "believing in change"),
    "Own recovery": ("wellbeing", "own recovery", "self-esteem", "confidence grew", "staying well",
                     "feeling stronger", "purpose in the day", "healing through helping", "self-acceptance",
                     "fewer symptoms"),
    "Relapse and strain": ("relapse", "strain", "triggered memories", "sleepless nights",
                           "old symptoms returning", "emotional exhaustion", "burnout", "taking sick leave",
                           "carrying clients' distress", "feeling overwhelmed"),
    "Workload": ("workload", "caseload", "too many clients", "extra tasks", "household chores",
                 "endless meetings", "covering for others", "no time to talk", "paperwork piling up",
                 "long shifts"),
    "Bridge to services": ("bridge", "linking", "navigating services", "accompanying clients to appointments",
                           "translating jargon", "connecting with the team", "making referrals",
                           "finding the right door", "a go-between", "walking alongside"),
    "Rapport": ("rapport", "empathy", "easy to talk to", "felt understood", "no judgement", "a warm manner",
                "trust built quickly", "speaking the same language", "a relaxed conversation",
                "feeling at ease"),
    "Treatment models": ("medical model", "treatment", "psychiatrists' decisions", "medication first",
                         "ward rounds", "diagnosis-led care", "doctors decided", "clinical protocols",
                         "risk assessments", "recovery versus illness"),
    "Employment pathway": ("employment", "a job", "a stepping stone", "back to work", "a career",
                           "a reference for future jobs", "paid work again", "a route into the workforce",
                           "a first job in years", "moving on to other posts"),
    "Team integration": ("team", "belonging", "invited to meetings", "part of the staff", "welcomed by the ward",
                         "working side by side", "a seat at the table", "shared lunches",
                         "equal footing", "valued contributions"),
}
WHO = ("Peer workers", "Peer support workers", "Clients", "Service users", "Nurses", "Managers", "Staff",
       "Several participants", "Some peer staff", "A few service users", "Clinicians", "Team leaders")
SAID = ("described", "talked about", "mentioned", "reported", "raised", "reflected on", "pointed to",
        "emphasised", "complained about", "spoke warmly of")
FILLER = ("in the first months of the post", "across several services", "in community teams",
          "during the pilot", "in inpatient settings", "when the service was new", "over the study period",
          "in rural areas", "in the interviews", "in focus groups")


def labelled_corpus(n: int = 2400, seed: int = 7) -> tuple[list[Labelled], Codebook]:
    """n labelled findings and the codebook they are labelled with (deterministic for a seed)."""
    rng = random.Random(seed)
    names = list(CUES)
    items = []
    for i in range(n):
        main = names[i % len(names)]
        labels = [main]
        parts = [f"{rng.choice(WHO)} {rng.choice(SAID)} {rng.choice(CUES[main])} {rng.choice(FILLER)}."]
        if rng.random() < 0.25:
            second = rng.choice([x for x in names if x != main])
            labels.append(second)
            parts.append(f"They also {rng.choice(SAID)} {rng.choice(CUES[second])}.")
        if rng.random() < 0.10:
            stray = rng.choice([x for x in names if x not in labels])
            parts.append(f"Only in passing did anyone mention {rng.choice(CUES[stray])}.")
        rng.shuffle(parts)
        items.append(Labelled(f"s{i + 1:05d}", " ".join(parts), tuple(labels)))
    rng.shuffle(items)
    subthemes = tuple(Subtheme(name, f"Findings about {cues[0]} and {cues[1]}.") for name, cues in CUES.items())
    return items, Codebook(name="labelled synthetic", themes=(Theme("All", subthemes),))
