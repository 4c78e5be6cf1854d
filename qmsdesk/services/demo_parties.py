"""Demo data for the interested-parties register (ISO 9001 clause 4.2).

About thirty stakeholders of a 120-person precision-machining company, each with specific
requirements (source and the process that addresses them) and an engagement history over
the past two years. Parties with a story (a customer recovering from a quality escape, one
drifting away) carry their own engagements; the others draw theirs from a pool for their
category. Saved only through ``parties.save_party`` and ``parties.archive_party``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from qmsdesk.models.db import Database
from qmsdesk.services import party_rules as rules
from qmsdesk.services.dates import add_months
from qmsdesk.services.parties import (
    EngagementRecord,
    PartyRecord,
    RequirementRecord,
    archive_party,
    save_party,
)

# Where a party's next review falls relative to today.
ON_PLAN = "on plan"       # reviewed recently, next review more than a month away
DUE_SOON = "due soon"     # next review within the coming 30 days
OVERDUE = "overdue"       # next review already passed

# (description, kind, obligation, source, addressed by)
Req = tuple[str, str, str, str, str]
# (months ago, kind, summary, satisfaction, follow-up); the summary may use {q}, {year},
# {next_year} (of the engagement date) and {contact}
Eng = tuple[int, str, str, int | None, str]


def _req(description: str, obligation: str, source: str, addressed_by: str) -> Req:
    return (description, "requirement", obligation, source, addressed_by)


def _exp(description: str, source: str, addressed_by: str, obligation: str = "") -> Req:
    return (description, "expectation", obligation, source, addressed_by)


def _eng(months_ago: int, kind: str, summary: str, satisfaction: int | None = None,
         follow_up: str = "") -> Eng:
    return (months_ago, kind, summary, satisfaction, follow_up)


@dataclass(frozen=True)
class PartySpec:
    name: str
    category: str
    influence: int
    interest: int
    owner: str  # a role in demo.STAFF
    description: str
    contact: str
    email: str
    phone: str
    method: str
    frequency: str
    requirements: tuple[Req, ...]
    engagements: tuple[Eng, ...] = ()
    pool: str = ""  # "customer" or "supplier": engagements drawn from that pool instead
    satisfaction: tuple[int, int] = (4, 4)  # first and last score of pool engagements
    internal: bool = False
    interval: int = 12
    review: str = ON_PLAN
    focus: str = "long-term"
    notes: str = ""
    archived: bool = False


@dataclass(frozen=True)
class _Template:
    kind: str
    summary: str
    follow_up: str = ""
    repeatable: bool = False  # may occur more than once in one party's history


_POOLS: dict[str, tuple[_Template, ...]] = {
    "customer": (
        _Template("meeting", "Quarterly business review {q} with {contact}: OTIF, ppm and open "
                  "8D reports reviewed; forecast for the next two quarters shared.",
                  "Capacity plan updated with the new forecast (PR-06).", repeatable=True),
        _Template("feedback", "Supplier scorecard {q}: quality and delivery on target, no open "
                  "complaints.", repeatable=True),
        _Template("survey", "Customer satisfaction survey {year}: delivery, quality, "
                  "responsiveness and documentation scored; lowest score for quotation lead "
                  "time.", "Quotation lead-time target added to the sales objectives."),
        _Template("audit", "Customer process audit of the machining cell and final inspection: "
                  "2 minor findings (gauge labelling, FIFO at goods-in).",
                  "Corrective actions raised under PR-09; evidence sent within 30 days."),
        _Template("complaint", "Complaint: 12 parts with a burr in the cross-drilling found at "
                  "the customer's incoming inspection; batch sorted 100 % on site by our staff.",
                  "8D opened; deburring step and visual check added to WI-09 and the control "
                  "plan."),
        _Template("visit", "{contact} visited for a run-at-rate on a new part family; capacity "
                  "and packaging confirmed.", "Run-at-rate report and first-article "
                  "inspection documents sent."),
        _Template("call", "Call with {contact} about raw-material surcharges and next year's "
                  "prices.", "Revised price list sent within a week."),
        _Template("complaint", "Complaint: certificate of conformity missing from one delivery; "
                  "parts held in the customer's quarantine for 2 days.",
                  "Dispatch checklist WI-14 now requires the CoC scan before the label prints."),
    ),
    "supplier": (
        _Template("meeting", "Supplier review {q} with {contact}: OTIF, lot acceptance and open "
                  "SCARs reviewed; lead times confirmed.", "Approved-supplier list rating "
                  "updated.", repeatable=True),
        _Template("feedback", "Scorecard {q} sent to the supplier: on-time delivery and lot "
                  "acceptance within target.", repeatable=True),
        _Template("audit", "Supplier process audit at their site (VDA 6.3 questionnaire): "
                  "score 86 %, one finding on calibration records.",
                  "Finding to be closed within 60 days; evidence checked at the next visit."),
        _Template("complaint", "Nonconforming delivery: EN 10204 3.1 certificate without the "
                  "heat number; lot quarantined at goods-in.",
                  "SCAR issued; lot released after a corrected certificate was received."),
        _Template("survey", "Annual supplier evaluation {year} sent: quality, delivery, "
                  "responsiveness and price rated.",
                  "Supplier returned an improvement plan for delivery."),
        _Template("call", "Call with {contact} on lead times and price validity for the next "
                  "six months."),
        _Template("visit", "{contact} visited our goods-in to agree packaging and labelling to "
                  "WI-12.", "Packaging specification re-issued to the supplier."),
        _Template("complaint", "Late delivery (4 days) held up the machining schedule; "
                  "expediting cost £380.", "Supplier to confirm dispatch dates 48 h ahead."),
    ),
}

# How many pool engagements a party gets, by quadrant: close relationships are busier.
_POOL_SIZES = {rules.MANAGE_CLOSELY: (5, 8), rules.KEEP_SATISFIED: (3, 5),
               rules.KEEP_INFORMED: (2, 4), rules.MONITOR: (0, 3)}
HISTORY_MONTHS = 24


PARTIES: tuple[PartySpec, ...] = (
    # ----------------------------------------------------------------- customers
    PartySpec(
        name="Harland Automotive Systems Ltd", category="customer", influence=5, interest=5,
        owner="sales", interval=6, review=DUE_SOON,
        description="Tier-1 automotive supplier (IATF 16949), Washington plant. Buys 46 machined "
                    "aluminium valve bodies and brackets for brake and steering modules; largest "
                    "customer, about 31 % of turnover.",
        contact="Karen Liddle (Supplier Quality Engineer)",
        email="k.liddle@harland-auto.example", phone="+44 191 498 0412",
        method="Monthly supplier scorecard (OTIF, ppm, 8D lead time); quarterly business review",
        frequency="monthly",
        requirements=(
            _req("PPAP level 3 submission (PSW, control plan, PFMEA, MSA, Cpk ≥ 1.67) for every "
                 "new part number and every engineering change", "contractual",
                 "Customer-specific requirements CSR-HAS rev. 7 §5.1; AIAG PPAP 4th ed.",
                 "PR-04 Industrialisation (APQP/PPAP)"),
            _req("Deliveries within a 2-day window of the call-off; OTIF ≥ 98 % measured "
                 "monthly", "contractual", "Purchase agreement PA-HAS-2023 schedule 2",
                 "PR-06 Production planning; PR-14 Dispatch"),
            _req("8D response to any complaint: containment within 24 hours, root cause and "
                 "actions within 10 working days", "contractual",
                 "Quality agreement QA-2024-07 §4.2",
                 "PR-08 Customer complaints; PR-09 Corrective action"),
            _req("IMDS entry and REACH SVHC / RoHS declarations for every part number", "legal",
                 "Regulation (EC) 1907/2006 Art. 33; Directive 2011/65/EU; CSR-HAS §7.3",
                 "PR-05 Purchasing (material declarations)"),
            _exp("Cost-down proposal of 2 % a year through value engineering",
                 "Quarterly business review minutes", "PR-04 Industrialisation (value "
                 "engineering)"),
        ),
        engagements=(
            _eng(22, "complaint", "Escape: 180 valve bodies with undersize bore (Ø12 H7) found "
                 "on Harland's assembly line; 40-minute line stop charged back.", 1,
                 "8D-0412 opened; 100 % air-gauging of the bore introduced the same day."),
            _eng(21, "audit", "Harland process audit after the escape: 6 findings (reaction "
                 "plan, gauge R&R, first-off approval); placed on Controlled Shipping Level 1.", 2,
                 "Corrective-action plan agreed; CS1 exit after 90 days at zero defects."),
            _eng(17, "meeting", "CS1 exit review: 90 days at 0 ppm, 8D-0412 closed as effective; "
                 "controlled shipping lifted.", 3,
                 "Keep the air-gauge check in the control plan for a further 12 months."),
            _eng(12, "survey", "Annual supplier rating {year}: quality B, delivery A, "
                 "communication A; overall 82/100.", 3,
                 "Target rating A next year: first-time-right PPAP submissions."),
            _eng(8, "visit", "Run-at-rate for the new EPB bracket family (3 part numbers) at "
                 "1,200 parts/day; PPAP level 3 approved first time.", 4),
            _eng(5, "meeting", "Quarterly business review {q}: OTIF 98.6 %, 12 ppm; 2 % "
                 "cost-down and the {next_year} volume uplift discussed.", 4,
                 "Send value-engineering proposal on the anodising specification."),
            _eng(2, "feedback", "Scorecard {q}: 0 ppm for the third month running, OTIF 99.1 %; "
                 "nominated as a preferred-supplier candidate.", 5),
        ),
    ),
    PartySpec(
        name="株式会社サンプル精工", category="customer", influence=4, interest=4,
        owner="sales", interval=6, pool="customer", satisfaction=(4, 4),
        description="Sample Seiko K.K. (Nagoya), Japanese automotive tier-1 supplying its UK "
                    "transplant with transmission actuators; buys turned steel shafts and "
                    "sleeves. Day-to-day business with the UK plant, contracts and 4M approvals "
                    "via Nagoya.",
        contact="Takahashi Kenji (Purchasing, UK plant)",
        email="k.takahashi@sample-seiko.example", phone="+44 191 498 0537",
        method="Monthly delivery and quality report from their supplier portal; half-yearly "
               "visit", frequency="monthly",
        requirements=(
            _req("4M change notification (man, machine, material, method) at least 3 months "
                 "before any change; approval before the first shipment", "contractual",
                 "Supplier quality manual SQM-JP rev. 12 §6",
                 "PR-02 Change control; PR-04 Industrialisation"),
            _req("Kanban deliveries twice a day to the UK plant; line-stop costs from any "
                 "shortage charged at cost", "contractual",
                 "Basic transaction agreement, annex 3 (logistics)",
                 "PR-06 Production planning; PR-14 Dispatch"),
            _req("Defect countermeasure report with why-why analysis and horizontal deployment "
                 "to similar parts for every defect", "contractual", "SQM-JP §9",
                 "PR-09 Corrective action"),
            _exp("Kaizen proposals at the annual supplier meeting; visible 5S in the cell "
                 "making their parts", "Annual supplier conference",
                 "PR-07 Manufacturing (5S standard WI-03)"),
        ),
    ),
    PartySpec(
        name="Société Générale de Mécanique", category="customer", influence=4, interest=3,
        owner="sales", interval=6, review=OVERDUE, focus="short-term",
        description="French maker of hydraulic power packs for agricultural machinery (Lyon). "
                    "Buys manifold blocks and adaptors; third-largest customer. Volumes falling "
                    "since it dual-sourced its two highest-volume manifolds.",
        contact="Claire Dubois (Buyer)", email="c.dubois@sgm-hydraulique.example",
        phone="+33 4 72 55 01 23",
        method="Quarterly delivery review call; complaints tracked under PR-08",
        frequency="quarterly",
        requirements=(
            _req("Delivery notes and certificates of conformity in French and English",
                 "contractual", "Conditions générales d'achat SGM art. 8",
                 "WI-14 Dispatch documents"),
            _req("Delivery DAP Lyon within a 5-day window; OTIF ≥ 95 %", "contractual",
                 "Framework contract CC-2022-019 art. 4", "PR-14 Dispatch & logistics"),
            _req("Cleanliness of hydraulic ports to ISO 16232: no particle larger than 600 µm",
                 "contractual", "SGM specification NT-112; drawing notes",
                 "WI-18 Washing and cleanliness testing"),
            _exp("Answers to requests for quotation within 5 working days",
                 "Buyer feedback at the annual review", "PR-03 Contract review"),
        ),
        engagements=(
            _eng(20, "survey", "Customer survey {year}: overall 4/5; technical support on the new "
                 "manifold praised.", 4),
            _eng(15, "meeting", "Annual review in Lyon: volumes stable, but SGM announced "
                 "dual-sourcing of its two highest-volume manifolds.", 4,
                 "Prepare a cost-reduction quotation for both parts."),
            _eng(11, "complaint", "Two shipments 6 days late after missed collections; SGM's "
                 "assembly line waited for manifolds.", 3,
                 "Transport booking moved 48 h earlier, agreed with Łódź Logistics."),
            _eng(7, "complaint", "Particle-count failure on 40 manifold blocks (ISO 16232 limit "
                 "exceeded); lot returned.", 2,
                 "8D-0466: filter change interval of the washing machine halved."),
            _eng(4, "feedback", "Scorecard {q}: OTIF 89 %, 2 complaints; SGM rates us "
                 "'C – improvement required'.", 2,
                 "Recovery plan to be presented at the next review."),
            _eng(1, "call", "Call with {contact}: next year's schedule cut by 30 %; she asked "
                 "for our recovery plan.", 2, "Recovery plan and a visit to Lyon to schedule."),
        ),
    ),
    PartySpec(
        name="Meridian Medical Devices Ltd", category="customer", influence=4, interest=5,
        owner="quality", interval=6, pool="customer", satisfaction=(4, 5),
        description="Orthopaedic instrument manufacturer (ISO 13485, EU MDR and UKCA). Buys "
                    "passivated stainless-steel and titanium instrument components; we are a "
                    "critical supplier in their supplier file.",
        contact="Dr. Ruth Okafor (Supplier Quality)", email="r.okafor@meridian-med.example",
        phone="+44 113 496 0781",
        method="Quarterly quality review; annual on-site supplier audit", frequency="quarterly",
        requirements=(
            _req("Lot traceability from bar heat number to finished lot; records kept 15 years",
                 "contractual", "Supplier quality agreement SQA-MMD-11 §5 (ISO 13485:2016 "
                 "§7.5.9)", "PR-07 Manufacturing (route card); PR-02 Records retention"),
            _req("Written approval at least 6 months before any change of material, process, "
                 "sub-tier supplier or site", "contractual", "SQA-MMD-11 §8",
                 "PR-02 Change control"),
            _req("Passivation of stainless parts to ASTM A967 with a water-immersion test per "
                 "lot", "contractual", "Meridian specification MS-0045; drawing notes",
                 "WI-21 Passivation; PR-05 Purchasing (special processes)"),
            _req("Cleanroom-compatible packaging: double-bagged, no cardboard inside the inner "
                 "carton", "contractual", "Meridian packaging specification PK-07",
                 "WI-12 Packaging"),
            _req("Access for unannounced audits by their notified body", "contractual",
                 "SQA-MMD-11 §12; Regulation (EU) 2017/745 Annex IX §3.4",
                 "PR-10 Audits (visitor and audit hosting)"),
        ),
    ),
    PartySpec(
        name="Pennine Hydraulics Ltd", category="customer", influence=2, interest=3,
        owner="sales", pool="customer", satisfaction=(4, 4),
        description="Small hydraulic-cylinder maker (Huddersfield) buying low-volume rod ends "
                    "and gland nuts; about 3 % of turnover, mostly quick-turn repeat orders.",
        contact="Mike Ackroyd (Owner)", email="mike@pennine-hydraulics.example",
        phone="+44 113 496 0245",
        method="Annual customer survey; order-intake review", frequency="yearly",
        requirements=(
            _req("Lead time of 10 working days for repeat orders", "contractual",
                 "Standard terms T&C-NPC-03 §3; order acknowledgement",
                 "PR-03 Contract review; PR-06 Production planning"),
            _req("Zinc-nickel plating resisting 480 h neutral salt spray (ISO 9227)",
                 "contractual", "Drawing note PH-RE-220",
                 "PR-05 Purchasing (plating subcontractor)"),
            _exp("Certificates of conformity e-mailed with the invoice rather than via a portal",
                 "Customer survey comment", "WI-14 Dispatch documents"),
        ),
    ),
    PartySpec(
        name="Small-batch and trade-counter customers", category="customer", influence=1,
        interest=2, owner="sales", interval=24,
        description="About 60 occasional customers (prototype shops, maintenance departments) "
                    "ordering one-off and small-batch parts by e-mail; under 5 % of turnover "
                    "together.",
        contact="Customer service desk", email="sales@northwind-precision.example",
        phone="+44 191 498 0100",
        method="Order-intake and complaint statistics in management review", frequency="yearly",
        requirements=(
            _req("Parts to drawing, general tolerances ISO 2768-mK unless stated",
                 "contractual", "Standard terms T&C-NPC-03 §5", "PR-03 Contract review"),
            _req("Contact data processed lawfully; privacy notice on every quotation", "legal",
                 "UK GDPR Art. 13; Data Protection Act 2018", "Privacy notice PN-01"),
            _exp("Quotation within 2 working days", "Web enquiry form feedback",
                 "PR-03 Contract review"),
        ),
        engagements=(
            _eng(8, "survey", "E-mail survey of small-batch customers: 23 replies, average 4.3; "
                 "wish for order-status updates.", 4,
                 "Automatic order-status e-mails switched on in the ERP."),
        ),
    ),
    PartySpec(
        name="Castleford Pumps Ltd", category="customer", influence=2, interest=1,
        owner="sales", archived=True,
        description="Former customer: industrial pump maker that bought impeller shafts until it "
                    "moved pump production to its plant in Czechia.",
        contact="Steve Hallam (Purchasing)", email="s.hallam@castleford-pumps.example",
        phone="+44 113 496 0633", method="Annual customer survey", frequency="yearly",
        requirements=(
            _req("Impeller shafts ground to h6 with Ra ≤ 0.4 µm on the bearing seats",
                 "contractual", "Drawing CP-4410 rev. D",
                 "PR-05 Purchasing (subcontract grinding)"),
            _req("EN 10204 3.1 certificate for the 17-4PH bar with each delivery",
                 "contractual", "Purchase order terms CP-PO §9", "PR-05 Purchasing"),
        ),
        engagements=(
            _eng(23, "survey", "Customer survey {year}: 4/5, delivery reliability praised.", 4),
            _eng(18, "meeting", "Castleford announced the transfer of pump production to "
                 "Czechia; last-time buy of 2,400 shafts agreed.", 3,
                 "Plan the last-time-buy batch; scrap the dedicated fixtures afterwards."),
            _eng(14, "call", "Final delivery confirmed complete; no open claims.", 4,
                 "Archive the party once the final invoice is paid."),
        ),
        notes="Archived: no orders since the last-time buy, no open complaints or claims. "
              "Kept for traceability of delivered lots.",
    ),
    # ----------------------------------------------------------------- suppliers
    PartySpec(
        name="Müller Präzisionsteile GmbH", category="supplier", influence=4, interest=3,
        owner="purchasing", interval=6, pool="supplier", satisfaction=(3, 4),
        description="Subcontract precision grinding and honing (Stuttgart). Sole approved source "
                    "for ground shafts in h5/h6; about 14 % of purchased spend.",
        contact="Jürgen Weiß (Key Account Manager)",
        email="j.weiss@mueller-praezision.example", phone="+49 711 555 0142",
        method="Monthly supplier scorecard (OTIF, lot acceptance, ppm); annual audit",
        frequency="monthly",
        requirements=(
            _req("Rolling 12-week forecast, frozen for the first 3 weeks", "contractual",
                 "Supply agreement SA-MPT-2023 §3", "PR-06 Production planning"),
            _req("Payment within 45 days of invoice", "contractual", "SA-MPT-2023 §9",
                 "Finance procedure FP-02 Payables"),
            _req("Drawing changes only by revised drawing with 4 weeks' notice", "contractual",
                 "SA-MPT-2023 §5 (technical documents)",
                 "PR-02 Document control; PR-05 Purchasing"),
            _req("Commodity code, EORI number and origin statement on every cross-border order",
                 "legal", "Taxation (Cross-border Trade) Act 2018; UK–EU Trade and Cooperation "
                 "Agreement (rules of origin)", "PR-14 Dispatch (customs checklist)"),
            _exp("Multi-year volume commitment for new grinding work",
                 "Annual supplier meeting", "PR-05 Purchasing (supplier strategy)"),
        ),
    ),
    PartySpec(
        name="Ørsted Components A/S", category="supplier", influence=3, interest=2,
        owner="purchasing", pool="supplier", satisfaction=(4, 4),
        description="Danish maker of precision springs and retaining rings (Odense); single "
                    "source for two spring part numbers in medical assemblies.",
        contact="Mette Sørensen (Sales Engineer)",
        email="mette.sorensen@oersted-components.example", phone="+45 66 55 01 88",
        method="Quarterly scorecard; certificate check at goods-in", frequency="quarterly",
        requirements=(
            _req("Minimum order of 5,000 pieces per spring part number", "contractual",
                 "Price agreement PA-OC-2025", "PR-06 Production planning (MRP lot sizes)"),
            _req("Orders quoting drawing revision and wire material (EN 10270-3)",
                 "contractual", "Ørsted terms of sale §2", "PR-05 Purchasing (order template)"),
            _exp("Early notice of medical programme volumes to reserve coiling capacity",
                 "Sales meeting notes", "PR-06 Production planning"),
        ),
    ),
    PartySpec(
        name="Sheffield Alloy Stockholders Ltd", category="supplier", influence=4, interest=2,
        owner="purchasing", pool="supplier", satisfaction=(3, 4),
        description="Bar-stock stockholder for aluminium 6082, stainless 303/316L and 17-4PH "
                    "with a cut-to-length service; about 35 % of purchased spend.",
        contact="Gary Platt (Account Manager)", email="g.platt@sheffield-alloy.example",
        phone="+44 114 496 0357",
        method="Monthly OTIF and certificate conformity; annual review", frequency="monthly",
        requirements=(
            _req("Payment 30 days end of month within a £250k credit limit", "contractual",
                 "Account terms SAS-CT-4", "Finance procedure FP-02 Payables"),
            _req("Orders by 14:00 for next-day cut-to-length delivery", "contractual",
                 "Service level agreement SLA-SAS-2024", "PR-05 Purchasing"),
            _req("Safe unloading of bundles up to 3 t: trained forklift driver at goods-in",
                 "legal", "LOLER 1998 reg. 8; carrier's delivery conditions",
                 "PR-13 Health & safety (risk assessment RA-07 Goods-in)"),
        ),
    ),
    PartySpec(
        name="Tyne Heat Treatment Ltd", category="supplier", influence=3, interest=3,
        owner="quality", interval=6, pool="supplier", satisfaction=(3, 4),
        description="Subcontract heat treatment (through-hardening, nitriding) and zinc-nickel "
                    "plating. Special processes that final inspection cannot verify, so "
                    "controlled by CQI-9 audit.",
        contact="Paul Armstrong (Quality Manager)", email="paul.armstrong@tyne-ht.example",
        phone="+44 191 498 0866",
        method="Certificate review per lot; annual CQI-9 special-process audit",
        frequency="quarterly",
        requirements=(
            _req("Heat-treatment specification, hardness range and test location on every "
                 "order", "contractual", "Tyne HT conditions of acceptance §4",
                 "PR-05 Purchasing (order template)"),
            _req("Parts delivered clean, free of coolant residue", "contractual",
                 "Tyne HT conditions of acceptance §6", "WI-18 Washing"),
            _req("Safety data sheet for any coolant or preservative left on the parts", "legal",
                 "Regulation (EC) 1907/2006 Art. 31; COSHH 2002",
                 "PR-13 Health & safety (COSHH register)"),
            _exp("Batches matched to furnace loads (≥ 400 kg) to hold the price per kg",
                 "Quarterly supplier review", "PR-06 Production planning"),
        ),
    ),
    PartySpec(
        name="Calder Metrology Services Ltd", category="supplier", influence=2, interest=2,
        owner="quality", interval=24,
        description="UKAS-accredited calibration laboratory (ISO/IEC 17025): CMM, height "
                    "gauges, thread gauges and torque tools, calibrated on site once a year.",
        contact="Nadia Hussain (Laboratory Manager)", email="n.hussain@calder-metrology.example",
        phone="+44 113 496 0902",
        method="Certificate review for each instrument; annual visit", frequency="yearly",
        requirements=(
            _req("Instruments available during the agreed calibration week; CMM room held at "
                 "20 ± 1 °C", "contractual", "Service contract CMS-0192 §3",
                 "PR-12 Calibration (calibration plan)"),
            _req("Purchase order before the visit; payment at 30 days", "contractual",
                 "Service contract CMS-0192 §7", "PR-05 Purchasing"),
        ),
        engagements=(
            _eng(19, "visit", "Annual on-site calibration: 212 instruments; 3 out of tolerance "
                 "(2 micrometers, 1 thread ring gauge).", 4,
                 "Impact assessment on parts measured since the last calibration (PR-12 §6)."),
            _eng(7, "visit", "Annual on-site calibration: CMM probe head re-qualified; "
                 "certificates received within 5 days.", 5),
        ),
    ),
    PartySpec(
        name="Kestrel Tooling Supplies Ltd", category="supplier", influence=2, interest=3,
        owner="operations", review=DUE_SOON,
        description="Cutting-tool distributor running the tool-vending machine on the shop floor "
                    "(vendor-managed inventory, weekly replenishment).",
        contact="Dean Foster (Application Engineer)", email="dean.foster@kestrel-tooling.example",
        phone="+44 121 496 0718",
        method="Monthly tool-cost report from the vending machine; quarterly review",
        frequency="monthly",
        requirements=(
            _req("Shop-floor access for weekly replenishment and trials after site induction",
                 "contractual", "Vendor-managed inventory agreement KT-VMI-07 §2",
                 "PR-13 Health & safety (contractor induction)"),
            _req("Minimum spend of £60k a year through the vending machine", "contractual",
                 "KT-VMI-07 §5", "PR-05 Purchasing"),
            _exp("Trials of new inserts on the 5-axis cell, with tool-life data shared",
                 "Quarterly review", "PR-07 Manufacturing (tool trial log)"),
        ),
        engagements=(
            _eng(10, "meeting", "Quarterly review {q}: tool cost per machine hour down 7 % after "
                 "the insert change on the Mazak cell.", 4),
            _eng(4, "visit", "Trial of a high-feed cutter on 6082 manifolds: cycle time -12 %, "
                 "tool life unchanged.", 5, "Roll out the cutter to two more manifold parts."),
        ),
    ),
    # ----------------------------------------------------------------- employees
    PartySpec(
        name="Shop-floor employees", category="employee", influence=3, interest=5,
        owner="hr", internal=True,
        description="84 employees on two shifts: CNC setters and operators, inspectors, "
                    "dispatch. Their competence and engagement drive right-first-time and OTIF.",
        contact="Shift leaders Mark Dunn and Joanne Reay", email="hr@northwind-precision.example",
        phone="+44 191 498 0100",
        method="Annual engagement survey; quarterly briefings; suggestion scheme",
        frequency="quarterly",
        requirements=(
            _req("Safe place of work with a risk assessment for every machine and task",
                 "legal", "Health and Safety at Work etc. Act 1974 s.2; Management of Health "
                 "and Safety at Work Regulations 1999 reg. 3",
                 "PR-13 Health, safety & environment"),
            _req("Written statement of particulars; pay at or above the National Living Wage",
                 "legal", "Employment Rights Act 1996 s.1; National Minimum Wage Act 1998",
                 "HR-01 Recruitment and contracts"),
            _exp("Clear work instructions at the machine and training before working "
                 "unsupervised", "Engagement survey comments",
                 "PR-11 Training & competence (skills matrix)"),
            _exp("Shift rota published two weeks ahead; overtime shared fairly",
                 "Employee Forum minutes", "PR-06 Production planning (rota)"),
        ),
        engagements=(
            _eng(22, "survey", "Engagement survey {year}: 71 % response; lowest scores for "
                 "communication between shifts.", 3, "Shift handover board introduced."),
            _eng(16, "meeting", "Quarterly briefing {q}: order book, quality results and safety "
                 "statistics; questions about overtime.", 3, "Overtime rota published two "
                 "weeks ahead."),
            _eng(13, "complaint", "Grievance about heat in the machine shop in the summer.", 2,
                 "Extraction fans and water points added before next summer."),
            _eng(10, "survey", "Engagement survey {year}: 78 % response; communication score up "
                 "11 points.", 4),
            _eng(6, "feedback", "Suggestion scheme {q}: 14 ideas, 6 implemented (mostly set-up "
                 "time reduction).", 4, "Recognition at the next briefing."),
            _eng(2, "meeting", "Quarterly briefing {q}: new ERP, Harland preferred-supplier "
                 "nomination, apprentice results.", 4),
        ),
    ),
    PartySpec(
        name="Employee Forum (works council)", category="employee", influence=3, interest=4,
        owner="hr", internal=True,
        description="Five elected employee representatives consulted on shift patterns, working "
                    "conditions and any redundancies under the information and consultation "
                    "agreement.",
        contact="Dave Robson (Forum chair)", email="forum@northwind-precision.example",
        phone="+44 191 498 0100", method="Quarterly forum meeting with minutes",
        frequency="quarterly",
        requirements=(
            _req("Information and consultation on changes to work organisation and contracts",
                 "legal", "Information and Consultation of Employees Regulations 2004 reg. 20; "
                 "forum agreement ICE-2021", "HR-04 Employee consultation"),
            _req("Collective consultation at least 30 days before 20 or more redundancies",
                 "legal", "Trade Union and Labour Relations (Consolidation) Act 1992 s.188",
                 "HR-04 Employee consultation"),
            _exp("Quality and safety KPIs shared every quarter in plain language",
                 "Forum minutes", "PR-01 Communication plan COM-01"),
        ),
        engagements=(
            _eng(21, "meeting", "Forum {q}: consultation on a 4-on/4-off pattern for the 5-axis "
                 "cell; concerns about childcare.", 3, "Trial with volunteers only."),
            _eng(15, "meeting", "Forum {q}: trial results accepted; pattern adopted with a "
                 "shift-swap system.", 4),
            _eng(9, "meeting", "Forum {q}: pay review and canteen refurbishment; KPI dashboard "
                 "presented for the first time.", 4,
                 "KPI dashboard on the shop-floor board every month."),
            _eng(3, "meeting", "Forum {q}: questions about the new ERP and job security; the MD "
                 "confirmed no job losses are planned.", 4, "ERP questions-and-answers sheet "
                 "to be published."),
        ),
    ),
    PartySpec(
        name="Apprentices and graduate trainees", category="employee", influence=2,
        interest=4, owner="hr", internal=True, review=DUE_SOON,
        description="Nine Level 3 machining-technician apprentices and two graduate trainees; "
                    "day release at Wearside College.",
        contact="Ellie Carr (Apprentice mentor)", email="training@northwind-precision.example",
        phone="+44 191 498 0100",
        method="Monthly mentor review; tripartite review with the college every 12 weeks",
        frequency="monthly",
        requirements=(
            _req("At least 20 % off-the-job training, recorded", "legal",
                 "Apprenticeship funding rules; apprenticeship agreement",
                 "PR-11 Training & competence"),
            _req("Tripartite progress review every 12 weeks with college and apprentice",
                 "contractual", "Training services agreement with Wearside College §4",
                 "PR-11 Training & competence"),
            _req("Young workers: specific risk assessment, no night work", "legal",
                 "Management of Health and Safety at Work Regulations 1999 reg. 19; Working "
                 "Time Regulations 1998 reg. 6A", "RA-15 Young persons"),
            _exp("A permanent job offer on completion", "Apprentice exit interviews",
                 "HR-01 Recruitment and contracts"),
        ),
        engagements=(
            _eng(13, "survey", "Apprentice survey: mentoring rated highly; more time on CAM "
                 "programming wanted.", 4, "CAM module added to year 2."),
            _eng(6, "meeting", "Tripartite review with Wearside College: all nine on track, two "
                 "ready for end-point assessment.", 4),
            _eng(1, "feedback", "Two apprentices passed end-point assessment with distinction; "
                 "both accepted permanent setter roles.", 5),
        ),
    ),
    PartySpec(
        name="Agency workers (Northern Staffing Solutions)", category="employee", influence=1,
        interest=3, owner="operations", focus="short-term",
        description="Up to 12 temporary operators in peak periods (deburring, packing), "
                    "employed by the agency.",
        contact="Lisa Moore (Branch Manager)", email="l.moore@northern-staffing.example",
        phone="+44 191 498 0734",
        method="Induction check and monthly headcount review with the agency",
        frequency="monthly",
        requirements=(
            _req("Equal basic working and employment conditions after 12 weeks in the same "
                 "role", "legal", "Agency Workers Regulations 2010 reg. 5",
                 "HR-05 Agency workers"),
            _req("Site induction, task training and PPE before starting", "legal",
                 "Management of Health and Safety at Work Regulations 1999 reg. 13; PPE at "
                 "Work Regulations 1992", "PR-11 Training; PR-13 Health & safety"),
            _exp("Work instructions with pictures (several workers have limited English)",
                 "Agency feedback", "WI-09 Deburring; WI-12 Packaging (pictorial)"),
        ),
        engagements=(
            _eng(8, "feedback", "Agency feedback: workers found the pictorial deburring "
                 "instruction easy to follow.", 4),
            _eng(2, "call", "Peak-season call: 6 operators for 10 weeks from next month.", None,
                 "Book inductions for the first day."),
        ),
    ),
    # ----------------------------------------------------------------- owners / investors
    PartySpec(
        name="Whitfield Family Holdings Ltd (shareholders)", category="owner/investor",
        influence=5, interest=4, owner="md", internal=True,
        description="Family holding company owning all the shares; board of three directors. "
                    "Prefers steady growth and reinvestment to maximum dividends.",
        contact="Robert Whitfield (Chairman)", email="r.whitfield@whitfield-holdings.example",
        phone="+44 191 498 0150", method="Quarterly board meeting with KPI pack",
        frequency="quarterly",
        requirements=(
            _req("Audited annual accounts filed within 9 months of the year end", "legal",
                 "Companies Act 2006 s.441-442", "Finance procedure FP-05 Year end"),
            _exp("EBITDA margin ≥ 12 % with capital expenditure self-funded",
                 "Business plan BP-2025-2028", "PR-01 Management review (business plan)"),
            _exp("Keep ISO 9001 certification and win one new medical customer a year",
                 "Board strategy day minutes", "PR-01 Management review; quality objectives"),
            _exp("Succession plan for key roles (setters, quality engineer)", "Board minutes",
                 "PR-11 Training & competence (skills matrix)"),
        ),
        engagements=(
            _eng(22, "meeting", "Board strategy day: 3-year plan approved, including a second "
                 "5-axis machine and medical growth.", 4),
            _eng(16, "meeting", "Board {q}: capex for the 5-axis machine released; the Harland "
                 "quality escape discussed.", 3,
                 "Monthly quality report to the chairman until controlled shipping ends."),
            _eng(10, "meeting", "Board {q}: year-end results, EBITDA 11.4 %; dividend held to "
                 "fund the ERP project.", 4),
            _eng(4, "meeting", "Board {q}: medical sales +18 %; SGM volume risk discussed; "
                 "succession plan for the quality engineer agreed.", 4,
                 "Recruit a second quality engineer."),
        ),
    ),
    PartySpec(
        name="Midshire Bank plc", category="owner/investor", influence=4, interest=2,
        owner="md", review=DUE_SOON,
        description="Provides the £1.2m asset-finance facility for the CNC machines and a "
                    "£400k revolving credit facility.",
        contact="Priya Shah (Relationship Director)", email="priya.shah@midshire-bank.example",
        phone="+44 121 496 0455",
        method="Quarterly management accounts and covenant certificate; annual review meeting",
        frequency="quarterly",
        requirements=(
            _req("Quarterly management accounts within 45 days of the quarter end",
                 "contractual", "Facility agreement MB-FA-2023 clause 21.2",
                 "Finance procedure FP-04 Reporting"),
            _req("Interest cover ≥ 4.0× and leverage ≤ 2.5×, tested quarterly", "contractual",
                 "Facility agreement MB-FA-2023 clause 22",
                 "FP-04 Reporting; PR-01 Management review"),
            _req("Financed machines insured at full reinstatement value, bank named as loss "
                 "payee", "contractual", "Asset-finance schedule AF-17 §8",
                 "Insurance register IR-01"),
        ),
        engagements=(
            _eng(12, "meeting", "Annual facility review: covenants met with headroom; facility "
                 "renewed for 3 years.", 4),
            _eng(5, "call", "Covenant certificate {q} submitted; the bank asked about customer "
                 "concentration after the SGM volume cut.", None),
        ),
    ),
    # ----------------------------------------------------------------- regulators
    PartySpec(
        name="Health and Safety Executive (HSE)", category="regulator", influence=5,
        interest=2, owner="hse",
        description="National regulator for workplace health and safety; inspects without "
                    "notice and may serve improvement or prohibition notices.",
        contact="Inspector, North East field office", email="ne.fod@hse.example",
        phone="+44 191 498 0920",
        method="RIDDOR log; monthly check of HSE bulletins for metalworking",
        frequency="monthly",
        requirements=(
            _req("Report specified and over-7-day injuries within the legal time limits",
                 "legal", "RIDDOR 2013 reg. 4 and 6",
                 "PR-13 Health & safety (accident reporting)"),
            _req("Local exhaust ventilation on coolant-mist machines examined at least every "
                 "14 months", "legal", "COSHH 2002 reg. 9 and Schedule 4",
                 "Maintenance plan MP-02 (LEV register)"),
            _req("Machine guards and interlocks inspected and the inspections recorded",
                 "legal", "PUWER 1998 reg. 6 and 11",
                 "Maintenance plan MP-01; WI-05 Daily machine checks"),
            _req("Cranes and forklifts thoroughly examined every 12 months, lifting accessories "
                 "every 6 months", "legal", "LOLER 1998 reg. 9", "Maintenance plan MP-03"),
        ),
        engagements=(
            _eng(18, "visit", "Unannounced inspection on metalworking fluids: LEV records in "
                 "order; advice letter on skin surveillance.", None,
                 "Monthly skin checks by a responsible person introduced."),
            _eng(6, "call", "RIDDOR report (over-7-day injury, hand cut at the bar saw) "
                 "submitted and acknowledged.", None, "Saw guard modified; RA-04 revised."),
        ),
    ),
    PartySpec(
        name="Environment Agency", category="regulator", influence=4, interest=2,
        owner="hse",
        description="Regulates waste; we produce hazardous waste (spent coolant, oily swarf, "
                    "solvent wipes) and recyclable metal swarf.",
        contact="Area environment team", email="northeast.area@environment-agency.example",
        phone="+44 191 498 0931",
        method="Annual self-check of waste records; regulatory update service",
        frequency="yearly",
        requirements=(
            _req("Waste handed only to registered carriers, with transfer notes kept 2 years",
                 "legal", "Environmental Protection Act 1990 s.34",
                 "EP-03 Waste management"),
            _req("Spent coolant and oily rags moved with consignment notes kept 3 years",
                 "legal", "Hazardous Waste (England and Wales) Regulations 2005 reg. 35 and 49",
                 "EP-03 Waste management"),
            _req("Waste hierarchy applied and declared on every transfer note", "legal",
                 "Waste (England and Wales) Regulations 2011 reg. 12 and 35",
                 "EP-03 Waste management"),
        ),
        engagements=(
            _eng(14, "audit", "Officer's review of waste records: consignment notes complete; "
                 "one transfer note without SIC code.", None, "Transfer-note template corrected."),
        ),
    ),
    PartySpec(
        name="Wear Valley Water plc – Trade Effluent", category="regulator", influence=3,
        interest=1, owner="hse", interval=24, review=OVERDUE,
        description="Water company that issued our trade effluent consent for the parts-washing "
                    "discharge and samples it at the inspection chamber.",
        contact="Trade Effluent Officer", email="trade.effluent@wearvalley-water.example",
        phone="+44 191 498 0971", method="Monthly self-sampling log; consent review",
        frequency="monthly",
        requirements=(
            _req("Discharge within consent: at most 5 m³/day, pH 6–10, oil and grease "
                 "≤ 100 mg/l", "legal",
                 "Trade effluent consent TE-4471; Water Industry Act 1991 s.118",
                 "EP-04 Effluent control; WI-18 Washing"),
            _req("Notify any process change affecting the discharge before it is made", "legal",
                 "Trade effluent consent TE-4471 condition 12", "PR-02 Change control"),
        ),
        engagements=(
            _eng(20, "audit", "Sampling at the inspection chamber: all parameters within "
                 "consent; oil and grease 38 mg/l.", None),
        ),
    ),
    PartySpec(
        name="Wearside City Council – Environmental Health", category="regulator", influence=3,
        interest=2, owner="hse",
        description="Local authority for statutory nuisance (noise) and the planning conditions "
                    "on the site; two noise complaints since the night shift started.",
        contact="Environmental Health Officer, pollution team",
        email="pollution@wearside-council.example", phone="+44 191 498 0288",
        method="Complaint log review; planning-conditions checklist", frequency="yearly",
        requirements=(
            _req("No statutory nuisance from noise (compressor house, reversing alarms at "
                 "night)", "legal", "Environmental Protection Act 1990 s.79-80",
                 "EP-05 Noise management plan"),
            _req("HGV deliveries and collections only 07:00–19:00 Monday to Friday", "legal",
                 "Planning permission 19/01234/FUL condition 6",
                 "PR-14 Dispatch (carrier booking rules)"),
        ),
        engagements=(
            _eng(11, "visit", "Officer's visit after a noise complaint: compressor-house door "
                 "left open at night; no notice served.", None,
                 "Door closer fitted; item added to the night-shift checklist."),
            _eng(5, "call", "Officer confirmed no further complaints; case closed.", None),
        ),
    ),
    # ----------------------------------------------------------------- partners
    PartySpec(
        name="Łódź Logistics Sp. z o.o.", category="partner", influence=3, interest=4,
        owner="operations", interval=6,
        description="Road-freight and customs partner for all EU shipments (groupage via "
                    "Rotterdam), including deliveries to SGM in Lyon and Müller in Stuttgart.",
        contact="Katarzyna Wiśniewska (Key Account Manager)",
        email="k.wisniewska@lodz-logistics.example", phone="+48 42 555 0173",
        method="Weekly shipment status call; monthly on-time and damage report",
        frequency="weekly",
        requirements=(
            _req("Goods booked 48 hours before collection with commercial invoice, packing list "
                 "and EORI number", "contractual", "Logistics agreement LL-2023-05 §3",
                 "PR-14 Dispatch & logistics"),
            _req("Pallets stretch-wrapped, at most 1.2 m high, wood treated to ISPM 15",
                 "contractual", "LL-2023-05 annex B; ISPM 15", "WI-12 Packaging"),
            _req("Correct customs data: commodity code, origin statement and value", "legal",
                 "Taxation (Cross-border Trade) Act 2018; Regulation (EU) 952/2013",
                 "PR-14 Dispatch (customs checklist)"),
            _exp("Monthly forecast of EU pallet volumes to plan trailer capacity",
                 "Quarterly review", "PR-06 Production planning"),
        ),
        engagements=(
            _eng(20, "meeting", "Start of the EU groupage service via Rotterdam; 4-day transit "
                 "to Lyon agreed.", 4),
            _eng(11, "complaint", "Two missed collections caused late deliveries to SGM "
                 "(driver shortage).", 2, "Booking cut-off moved to 48 h; backup carrier agreed."),
            _eng(8, "meeting", "Recovery review: collections 100 % on time for 10 weeks.", 3),
            _eng(5, "call", "Customs hold on one shipment (missing origin statement) cleared in a "
                 "day.", 3, "Origin statement added to the invoice template."),
            _eng(1, "meeting", "Quarterly review {q}: 97 % on time, no damage; a dedicated "
                 "weekly trailer discussed.", 4, "Price for the dedicated trailer by month end."),
        ),
    ),
    PartySpec(
        name="Wearside University – Centre for Advanced Machining", category="partner",
        influence=2, interest=4, owner="operations",
        description="University research centre: Knowledge Transfer Partnership on tool-wear "
                    "monitoring; source of graduate recruits.",
        contact="Prof. Ian McAllister (Director)", email="i.mcallister@wearside-uni.example",
        phone="+44 191 498 0623", method="Monthly KTP steering meeting", frequency="monthly",
        requirements=(
            _req("KTP associate hosted full time with a supervisor and access to machine data",
                 "contractual", "KTP grant agreement KTP-013245 §6",
                 "PR-11 Training; IT policy IT-02"),
            _req("Results publishable after 6 months unless they disclose confidential process "
                 "data", "contractual", "Collaboration agreement CA-WU-2025 §9",
                 "NDA register; PR-01 Management review"),
            _exp("Two summer placements for students each year", "Steering meeting minutes",
                 "HR-01 Recruitment and contracts"),
        ),
        engagements=(
            _eng(14, "meeting", "KTP started: associate working on tool-wear monitoring for the "
                 "5-axis cell.", 4),
            _eng(7, "meeting", "Steering meeting: acoustic model predicts 85 % of insert "
                 "failures.", 4),
            _eng(2, "visit", "University team demonstrated the live tool-wear dashboard to our "
                 "setters.", 5, "Pilot on two machines for 3 months."),
        ),
    ),
    PartySpec(
        name="North East Manufacturing Network", category="partner", influence=2, interest=2,
        owner="md", interval=24,
        description="Regional manufacturers' association: benchmarking, training grants and a "
                    "quality managers' peer group.",
        contact="Sarah Bell (Membership)", email="membership@nemn.example",
        phone="+44 191 498 0444", method="Annual benchmarking survey; newsletter",
        frequency="yearly",
        requirements=(
            _req("Membership fee paid and benchmarking data submitted by March", "contractual",
                 "Membership terms NEMN §2", "PR-01 Management review (KPI pack)"),
            _exp("Host one factory visit a year for members", "Membership charter",
                 "PR-13 Health & safety (visitor rules)"),
        ),
        engagements=(
            _eng(9, "survey", "Benchmarking survey {year}: OTIF in the top quartile, scrap rate "
                 "at the median.", 4, "Scrap reduction proposed as a quality objective."),
        ),
    ),
    # ----------------------------------------------------------------- community
    PartySpec(
        name="Hylton Riverside Residents' Association", category="community", influence=2,
        interest=4, owner="hse",
        description="Residents of the 140 houses on Riverside Lane next to the site; concerned "
                    "about night-shift noise and HGV traffic.",
        contact="Margaret Lowes (Secretary)", email="hylton.residents@mail.example",
        phone="+44 191 498 0517",
        method="Residents' meeting twice a year; complaints line log", frequency="half-yearly",
        requirements=(
            _req("No HGV movements outside 07:00–19:00 on weekdays", "legal",
                 "Planning permission 19/01234/FUL condition 6",
                 "PR-14 Dispatch (carrier booking rules)"),
            _exp("Doors shut and compressors quiet at night; a named contact for complaints",
                 "Residents' meeting minutes", "EP-05 Noise management plan"),
            _exp("Tidy site boundary and litter picking on Riverside Lane",
                 "Residents' meeting minutes", "Housekeeping checklist HK-01"),
        ),
        engagements=(
            _eng(17, "meeting", "Residents' meeting: complaints about night-shift noise "
                 "(compressor, reversing alarms).", 2, "Forklifts switched to broadband alarms."),
            _eng(11, "complaint", "Lorry waiting with its engine running at 06:15.", 2,
                 "Carrier reminded; gate now opens at 06:45."),
            _eng(5, "meeting", "Residents' meeting: noise improved; thanks for the litter pick "
                 "and the open-day invitation.", 4),
        ),
    ),
    PartySpec(
        name="Wearside College and local schools", category="community", influence=1,
        interest=3, owner="hr",
        description="Further-education college (apprentices' day release) and three secondary "
                    "schools in our STEM outreach; our future recruits.",
        contact="Tom Hewitt (Employer liaison, Wearside College)",
        email="t.hewitt@wearside-college.example", phone="+44 191 498 0381",
        method="Termly liaison meeting; careers fair", frequency="half-yearly",
        requirements=(
            _req("Named supervisor and risk assessment for pupils on work experience", "legal",
                 "Management of Health and Safety at Work Regulations 1999 reg. 19",
                 "RA-15 Young persons"),
            _exp("Four work-experience places a year", "Schools partnership letter",
                 "HR-03 Community engagement"),
            _exp("Industry input to the machining curriculum (guest lectures, offcut "
                 "donations)", "College employer board", "HR-03 Community engagement"),
        ),
        engagements=(
            _eng(10, "visit", "Careers fair at Wearside College: 35 students at our stand; 6 "
                 "apprenticeship applications.", 4),
            _eng(3, "feedback", "Work-experience pupils rated their week 5/5; the teacher asked "
                 "for two more places.", 5),
        ),
    ),
    PartySpec(
        name="Harbour Road Industrial Estate neighbours", category="community", influence=1,
        interest=1, owner="operations", interval=24,
        description="Five neighbouring units sharing the estate road, car park and fire "
                    "assembly point.",
        contact="Estate manager, Harbour Road Estates Ltd", email="estates@harbour-road.example",
        phone="+44 191 498 0812", method="Annual estate meeting", frequency="yearly",
        requirements=(
            _req("Estate road kept clear; no loading on the shared road", "contractual",
                 "Lease HRE-L-07 schedule 3 (estate rules)", "PR-14 Dispatch (yard plan)"),
            _exp("Joint fire-evacuation drill once a year", "Estate meeting minutes",
                 "PR-13 Health & safety (fire emergency plan)"),
        ),
        engagements=(
            _eng(12, "meeting", "Estate meeting: joint fire drill agreed; visitor parking "
                 "re-marked.", 4),
        ),
    ),
    # ----------------------------------------------------------------- other
    PartySpec(
        name="Albion Certification Services Ltd", category="other", influence=4, interest=3,
        owner="quality",
        description="UKAS-accredited certification body for our ISO 9001:2015 certificate "
                    "(GB-QMS-20419; scope: CNC machining of precision components).",
        contact="Andrew Pike (Lead auditor)", email="a.pike@albion-cert.example",
        phone="+44 20 7946 0315",
        method="Annual surveillance audit; recertification every three years",
        frequency="yearly",
        requirements=(
            _req("Surveillance audit every 12 months; major nonconformities closed within 90 "
                 "days", "contractual",
                 "Certification agreement ACS-CA-0419; ISO/IEC 17021-1:2015 §9.6",
                 "PR-10 Internal audit; PR-09 Corrective action"),
            _req("Significant changes (ownership, site, scope, key staff) notified within 30 "
                 "days", "contractual", "Certification agreement ACS-CA-0419 §7",
                 "PR-01 Management review"),
            _req("Certification mark used only as the logo rules allow (never on products)",
                 "contractual", "Albion logo rules ACS-LR-03", "Marketing procedure MK-01"),
        ),
        engagements=(
            _eng(21, "audit", "Recertification audit: certificate renewed; 1 minor NC (7.1.5 "
                 "calibration status not visible on two gauges).", 4, "NC closed in 6 weeks."),
            _eng(9, "audit", "Surveillance audit: no NCs; 2 opportunities for improvement "
                 "(interested-party review, supplier scoring).", 5,
                 "Both taken into management review."),
        ),
    ),
    PartySpec(
        name="Castle Mutual Insurance plc", category="other", influence=3, interest=2,
        owner="md",
        description="Insurer for property, business interruption, employers' and product "
                    "liability, placed through Tynebridge Insurance Brokers.",
        contact="Rachel Innes (Account handler, Tynebridge Insurance Brokers)",
        email="r.innes@tynebridge-brokers.example", phone="+44 191 498 0355",
        method="Annual renewal and risk survey", frequency="yearly",
        requirements=(
            _req("Employers' liability cover of at least £5m, certificate displayed", "legal",
                 "Employers' Liability (Compulsory Insurance) Act 1969",
                 "HR-01 (certificate on the notice board)"),
            _req("Sprinklers maintained to BS EN 12845 with weekly tests logged", "contractual",
                 "Policy CMI-PR-7781 warranty 3", "Maintenance plan MP-04; fire log"),
            _req("Any export to the USA or Canada declared before shipment", "contractual",
                 "Policy CMI-PL-7781 territorial limits",
                 "PR-03 Contract review (export checklist)"),
            _req("Fire risk assessment reviewed every year and after changes", "legal",
                 "Regulatory Reform (Fire Safety) Order 2005 art. 9",
                 "PR-13 Health & safety (FRA-01)"),
        ),
        engagements=(
            _eng(13, "visit", "Insurer's risk survey: 2 recommendations (hot-work permits, "
                 "swarf bin location).", 4, "Both closed within 60 days."),
            _eng(1, "call", "Renewal: premium +4 %; product-liability declaration updated for "
                 "the medical business.", None),
        ),
    ),
    PartySpec(
        name="Trade press and local media", category="other", influence=1, interest=1,
        owner="sales", interval=24, review=OVERDUE,
        description="Regional and trade publications: occasional press releases (new machines, "
                    "apprentices) and enquiries after incidents.",
        contact="News desk, Machinery & Manufacturing Today", email="news@mmt-magazine.example",
        phone="+44 20 7946 0781", method="Press cuttings checked as they appear",
        frequency="ad hoc",
        requirements=(
            _req("Advertising claims (such as 'ISO 9001 certified') accurate, not misleading",
                 "legal", "Business Protection from Misleading Marketing Regulations 2008 "
                 "reg. 3", "Marketing procedure MK-01"),
            _exp("Prompt, accurate answers from one named spokesperson",
                 "Communication plan COM-01", "PR-01 Communication plan COM-01"),
        ),
    ),
)


def step_count() -> int:
    """One step per party saved, plus one per party archived."""
    return len(PARTIES) + sum(spec.archived for spec in PARTIES)


def _weekday(day: date) -> date:
    """The same day, or the Friday before when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _review_dates(spec: PartySpec, today: date, rng: random.Random) -> tuple[date, date]:
    months = spec.interval
    if spec.review == OVERDUE:
        offset = -rng.randint(10, 45)
    elif spec.review == DUE_SOON:
        offset = rng.randint(7, 25)
    else:
        # reviewed between one month and (interval - 2) months ago: next review >= ~5 weeks off
        ago = rng.randint(1, max(1, months - 2))
        offset = (add_months(today, months - ago) - today).days - rng.randint(0, 20)
    last = _weekday(add_months(today + timedelta(days=offset), -months))
    return last, rules.suggested_next_review(last, months, today)


def _text(template: str, on: date, contact: str) -> str:
    return template.format(q=f"Q{(on.month - 1) // 3 + 1} {on.year}", year=on.year,
                           next_year=on.year + 1, contact=contact)


def _on(today: date, months_ago: int, rng: random.Random) -> date:
    return _weekday(add_months(today, -months_ago) - timedelta(days=rng.randint(0, 12)))


def _score(trend: tuple[int, int], index: int, count: int, rng: random.Random) -> int:
    first, last = trend
    if first == last:
        value = first + rng.choice((-1, 0, 0, 0, 1))
    else:
        value = round(first + (last - first) * index / max(1, count - 1))
    return min(5, max(1, value))


def _pool_engagements(spec: PartySpec, today: date, rng: random.Random,
                      contact: str) -> list[EngagementRecord]:
    low, high = _POOL_SIZES[rules.quadrant(spec.influence, spec.interest)]
    count = rng.randint(low, high)
    pool = _POOLS[spec.pool]
    picks = rng.sample(pool, min(count, len(pool)))
    repeatable = [template for template in pool if template.repeatable]
    picks += [rng.choice(repeatable) for _ in range(count - len(picks))]
    months = sorted(rng.sample(range(1, HISTORY_MONTHS), count), reverse=True)
    records = []
    for index, (template, months_ago) in enumerate(zip(picks, months, strict=True)):
        on = _on(today, months_ago, rng)
        score = _score(spec.satisfaction, index, count, rng)
        if template.kind == "complaint":
            score = max(1, score - 1)  # a complaint is never the best moment of a relationship
        records.append(EngagementRecord(on_date=on, kind=template.kind,
                                        summary=_text(template.summary, on, contact),
                                        satisfaction=None if template.kind == "call" else score,
                                        follow_up=template.follow_up))
    return records


def _engagements(spec: PartySpec, today: date, rng: random.Random) -> list[EngagementRecord]:
    contact = spec.contact.split(" (")[0]
    if spec.pool:
        return _pool_engagements(spec, today, rng, contact)
    records = []
    for months_ago, kind, summary, satisfaction, follow_up in spec.engagements:
        on = _on(today, months_ago, rng)
        records.append(EngagementRecord(on_date=on, kind=kind,
                                        summary=_text(summary, on, contact),
                                        satisfaction=satisfaction, follow_up=follow_up))
    return records


def party_record(spec: PartySpec, today: date, rng: random.Random,
                 staff: Mapping[str, str]) -> PartyRecord:
    """The record the demo saves for one spec (always active; archiving is a later step)."""
    last, next_review = _review_dates(spec, today, rng)
    return PartyRecord(
        name=spec.name, category=spec.category, internal=spec.internal,
        description=spec.description, contact_person=spec.contact, email=spec.email,
        phone=spec.phone, influence=spec.influence, interest=spec.interest,
        owner=staff[spec.owner], monitoring_method=spec.method,
        monitoring_frequency=spec.frequency, review_interval_months=spec.interval,
        last_review=last, next_review=next_review, focus=spec.focus, notes=spec.notes,
        requirements=[RequirementRecord(description=d, kind=k, obligation=o, source=s,
                                        addressed_by=a)
                      for d, k, o, s, a in spec.requirements],
        engagements=_engagements(spec, today, rng),
    )


def build(db: Database, today: date, rng: random.Random,
          staff: Mapping[str, str]) -> Iterator[str]:
    """Save every party through the service, then archive the former ones; one label a step."""
    to_archive: list[tuple[int, int]] = []
    for spec in PARTIES:
        saved = save_party(db, party_record(spec, today, rng, staff), today)
        if spec.archived and saved.id is not None:
            to_archive.append((saved.id, saved.version))
        yield f"{saved.ref} {saved.name}"
    for party_id, version in to_archive:
        archived = archive_party(db, party_id, version, today)
        yield f"{archived.ref} {archived.name} archived"
