"""Sample Digital Marketplace spend files in every published layout (SAMPLE data, not real).

Writes five files into `<out>/digital-marketplace/`, each in a real publisher layout with
its real quirks:

- 2012-13 "G-Cloud Total Spend" layout: Windows-1252, CR-only line endings, months with a stray 'l';
- 2014 "For import" layout: Windows-1252, CR-only, a cumulative release that re-publishes two months
  of the previous file (so the build's "later release wins" rule is exercised);
- 2014 "For Publication" layout: UTF-8, CRLF, an unnamed empty column, dd/mm/yyyy months, '£1,234.56',
  and near its end three rows that break a rule, as real returns do (no customer name, 'TBC' for the
  spend, an amount with five decimals), so the rejected-rows list has something to show;
- later CCS layouts: G-Cloud 5-14 (FinancialYear + FinancialMonth, UTF-8 with BOM, CRLF) - the file
  `--rows` scales, streamed in chunks - and DOS 1-6 (SpendMonth).

Buyers are real English councils, combined authorities, departments and agencies (from the
reference CSVs) plus NHS, police, fire, education and devolved bodies, spelled the messy ways
real files spell them. Spend is skewed (a few large buyers, a long tail), about 2% of rows are
credit notes, and SME shares sit near the published scale (about half of G-Cloud spend in
2013-14, falling to about a third). Suppliers are invented except for a few large household names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.config import CODE_REFERENCE_DIR

FOLDER = "digital-marketplace"
DEFAULT_CCS_ROWS = 40_000
CHUNK_ROWS = 500_000

OTHER_BUYERS: list[tuple[str, str]] = [
    ("NHS Digital", "Health"),
    ("NHS England", "Health"),
    ("Leeds Teaching Hospitals NHS Trust", "Health"),
    ("Manchester University NHS Foundation Trust", "Health"),
    ("Guy's and St Thomas' NHS Foundation Trust", "Health"),
    ("Royal Berkshire NHS Foundation Trust", "Health"),
    ("University Hospitals Birmingham NHS Foundation Trust", "Health"),
    ("NHS Business Services Authority", "Health"),
    ("NHS Blood and Transplant", "Health"),
    ("Public Health Wales", "Health"),
    ("Metropolitan Police Service", "Police"),
    ("Greater Manchester Police", "Police"),
    ("West Midlands Police", "Police"),
    ("Thames Valley Police", "Police"),
    ("Police Scotland", "Police"),
    ("London Fire Brigade", "Fire and Rescue"),
    ("Hampshire and Isle of Wight Fire and Rescue Service", "Fire and Rescue"),
    ("West Yorkshire Fire and Rescue Service", "Fire and Rescue"),
    ("University of Manchester", "Education"),
    ("University College London", "Education"),
    ("Jisc", "Education"),
    ("The Open University", "Education"),
    ("Scottish Government", "Devolved Administrations"),
    ("Welsh Government", "Devolved Administrations"),
    ("Northern Ireland Civil Service", "Devolved Administrations"),
    ("Scottish Parliament", "Devolved Administrations"),
    ("Citizens Advice", "Not for Profit"),
    ("Peabody Trust", "Not for Profit"),
    ("Transport for London", "Local Government"),
    ("Transport for Greater Manchester", "Local Government"),
]

LARGE_SUPPLIERS = [
    "Amazon Web Services EMEA SARL",
    "Microsoft Limited",
    "Capgemini UK plc",
    "CGI IT UK Limited",
    "Sopra Steria Limited",
    "Computacenter (UK) Limited",
    "Softcat plc",
    "IBM United Kingdom Limited",
    "Atos IT Services UK Limited",
    "Accenture (UK) Limited",
    "Deloitte LLP",
    "PA Consulting Services Limited",
    "Google Cloud EMEA Limited",
    "Salesforce UK Limited",
    "Oracle Corporation UK Limited",
    "BT plc",
    "Fujitsu Services Limited",
    "Kainos Software Limited",
    "Civica UK Limited",
    "Capita Business Services Limited",
]
SME_WORDS_A = [
    "Blue", "Bright", "North", "Clear", "Open", "Agile", "Red", "Iron", "Silver", "Green", "True", "Swift",
    "Harbour", "Kite", "Oak", "Pennine", "Tidal", "Arc", "Granite", "Lantern", "Meridian", "Quarry", "Thistle",
]  # fmt: skip
SME_WORDS_B = [
    "Digital", "Data", "Cloud", "Software", "Labs", "Systems", "Consulting", "Technology", "Analytics",
    "Design", "Works", "Solutions", "Networks", "Studio", "Partners",
]  # fmt: skip
SME_SUFFIX = ["Ltd", "Limited", "Ltd.", "LLP", "Limited"]

GCLOUD_STARTS = [
    (1, dt.date(2012, 2, 1)), (2, dt.date(2012, 10, 1)), (3, dt.date(2013, 5, 1)), (4, dt.date(2013, 11, 1)),
    (5, dt.date(2014, 6, 1)), (6, dt.date(2015, 2, 1)), (7, dt.date(2015, 11, 1)), (8, dt.date(2016, 8, 1)),
    (9, dt.date(2017, 5, 1)), (10, dt.date(2018, 7, 1)), (11, dt.date(2019, 7, 1)), (12, dt.date(2020, 9, 1)),
    (13, dt.date(2022, 11, 1)), (14, dt.date(2024, 11, 1)),
]  # fmt: skip
DOS_STARTS = [
    (1, dt.date(2016, 4, 1)), (2, dt.date(2017, 1, 1)), (3, dt.date(2018, 7, 1)), (4, dt.date(2019, 12, 1)),
    (5, dt.date(2021, 1, 1)), (6, dt.date(2024, 3, 1)),
]  # fmt: skip
ROMAN_2013 = {1: "G-Cloudi", 2: "G-Cloud Services II", 3: "G-Cloud III", 4: "G-Cloud 4"}
OLD_LOTS = {1: "Infrastructure as a Service (IaaS)", 2: "Platform as a Service (PaaS)", 3: "Software as a Service (SaaS)", 4: "Specialist Cloud Services (SCS)"}  # fmt: skip
NEW_LOTS = ["Cloud hosting", "Cloud software", "Cloud support"]
DOS_LOTS = ["Digital outcomes", "Digital specialists", "User research studios", "User research participants"]
SERVICES = [
    "Hosting", "Case management software", "Agile delivery team", "Data platform", "Cyber security assessment",
    "Email and collaboration", "User research", "Service design", "Cloud migration", "Content management",
    "Identity and access management", "Digital forms", "Analytics dashboard", "Licences", "Technical architecture",
]  # fmt: skip
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]  # fmt: skip


@dataclass
class Buyer:
    name: str
    sector: str
    weight: float
    variants: list[str]
    first_year: int = 2012
    last_year: int = 2026


def _messy_variants(official: str, short: str, kind: str, rng: np.random.Generator) -> list[str]:
    """The ways real files spell a council: case, boilerplate, abbreviations, a typo now and then."""
    out = [official, official.upper(), f"{official} "]
    if kind == "London borough":
        out += [f"London Borough of {short} Council", f"LB {short}", f"{short} LBC", f"London Borough Of {short}"]
    elif kind == "metropolitan district":
        out += [f"{short} Metropolitan Borough Council", f"{short} MBC", f"{short} Council"]
    elif kind == "county council":
        out += [f"{short} County Council", f"{short} CC", f"{short.upper()} COUNTY COUNCIL"]
    else:
        out += [
            f"{short} Council",
            f"{short} District Council" if kind == "non-metropolitan district" else f"{short} Council",
        ]
    out.append(official.replace(" and ", " & "))
    if len(short) > 6 and rng.random() < 0.5:  # a one-letter slip, for fuzzy matching
        i = int(rng.integers(2, len(short) - 2))
        out.append(official.replace(short, short[:i] + short[i + 1 :], 1))
    return list(dict.fromkeys(out))


def load_buyers(rng: np.random.Generator) -> list[Buyer]:
    councils = pl.read_csv(CODE_REFERENCE_DIR / "councils.csv", infer_schema=False)
    bodies = pl.read_csv(CODE_REFERENCE_DIR / "central_bodies.csv", infer_schema=False)
    cas = pl.read_csv(CODE_REFERENCE_DIR / "combined_authorities.csv", infer_schema=False)
    buyers: list[Buyer] = []
    # About two thirds of councils ever buy through the marketplace; big ones buy more.
    for row in councils.iter_rows(named=True):
        if rng.random() > 0.66:
            continue
        pop = float(row["population"] or 100_000)
        weight = (pop / 100_000) ** 0.8 * float(rng.lognormal(0, 0.6))
        buyers.append(
            Buyer(
                name=row["official_name"],
                sector="Local Government",
                weight=weight,
                variants=_messy_variants(row["official_name"], row["council_name"], row["council_type"], rng),
                first_year=int(rng.choice([2012, 2013, 2014, 2015, 2016, 2018, 2020])),
            )
        )
    for row in cas.iter_rows(named=True):
        if row["ca_code"].startswith("E61"):
            name = "Greater London Authority"
        elif row["abolished"] or (row["established"] or "") > "2022-12-31":
            continue  # only authorities in the sample geography (ONS December 2022 vintage)
        else:
            name = f"{row['ca_name']} Combined Authority"
        buyers.append(Buyer(name, "Local Government", 3.0 * float(rng.lognormal(0, 0.4)), [name, name.upper()], 2017))
    for row in bodies.iter_rows(named=True):
        closed = (row["closed"] or "").lower() == "true"
        is_dept = "department" in (row["format"] or "").lower()
        weight = (25.0 if is_dept else 6.0) * float(rng.lognormal(0, 0.9))
        title = row["title"]
        variants = [title, title.replace("&", "and"), title.upper()]
        if row["abbreviation"] and 2 < len(row["abbreviation"]) <= 6 and is_dept:
            variants.append(row["abbreviation"])
        buyers.append(
            Buyer(
                title,
                row["sector"] or "Central Government",
                weight,
                list(dict.fromkeys(variants)),
                last_year=2016 if closed else 2026,
            )  # fmt: skip
        )
    for name, sector in OTHER_BUYERS:
        buyers.append(Buyer(name, sector, 4.0 * float(rng.lognormal(0, 0.8)), [name, name.upper()]))
    return buyers


def make_suppliers(rng: np.random.Generator, n_sme: int = 280) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(names, is_sme, weight): a few large suppliers take a big share; SMEs form the long tail."""
    names = list(LARGE_SUPPLIERS)
    seen = set(names)
    while len(names) < len(LARGE_SUPPLIERS) + n_sme:
        name = f"{rng.choice(SME_WORDS_A)} {rng.choice(SME_WORDS_B)} {rng.choice(SME_SUFFIX)}"
        if name.split()[0] + name.split()[1] in seen:
            continue
        seen.add(name.split()[0] + name.split()[1])
        names.append(name)
    is_sme = np.array([False] * len(LARGE_SUPPLIERS) + [True] * n_sme)
    weight = np.concatenate([rng.lognormal(2.9, 0.7, len(LARGE_SUPPLIERS)), rng.lognormal(0.6, 1.1, n_sme)])
    return names, is_sme, weight


class Universe:
    """Buyers and suppliers shared by every sample file, with vectorised row sampling."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.buyers = load_buyers(self.rng)
        self.suppliers, self.supplier_sme, self.supplier_weight = make_suppliers(self.rng)
        p = self.supplier_weight / self.supplier_weight.sum()
        self.usual_suppliers = self.rng.choice(len(self.suppliers), size=(len(self.buyers), 12), p=p)

    def rows(
        self, n: int, months: list[dt.date], rng: np.random.Generator, sme_bias: float = 1.0
    ) -> dict[str, np.ndarray]:
        """Sample n spend rows over `months` (later months busier)."""
        month_w = np.linspace(1.0, 2.5, len(months))
        month_idx = rng.choice(len(months), size=n, p=month_w / month_w.sum())
        years = np.array([m.year for m in months])[month_idx]
        b_weight = np.array([b.weight for b in self.buyers])
        buyer_idx = rng.choice(len(self.buyers), size=n, p=b_weight / b_weight.sum())
        first = np.array([b.first_year for b in self.buyers])[buyer_idx]
        last = np.array([b.last_year for b in self.buyers])[buyer_idx]
        out_of_range = (years < first) | (years > last)
        # Re-draw buyers that did not exist (or did not yet buy) in that year from the active ones.
        if out_of_range.any():
            active = np.array([b.first_year <= 2014 and b.last_year >= 2026 for b in self.buyers])
            pw = np.where(active, b_weight, 0)
            buyer_idx[out_of_range] = rng.choice(len(self.buyers), size=int(out_of_range.sum()), p=pw / pw.sum())
        s_weight = self.supplier_weight * np.where(self.supplier_sme, sme_bias, 1.0)
        any_supplier = rng.choice(len(self.suppliers), size=n, p=s_weight / s_weight.sum())
        # Buyers keep going back to the suppliers they know: 85% of a buyer's lines go to its own
        # dozen or so suppliers (drawn once per buyer), the rest anywhere on the framework.
        usual = self.usual_suppliers[buyer_idx, rng.integers(0, self.usual_suppliers.shape[1], n)]
        supplier_idx = np.where(rng.random(n) < 0.85, usual, any_supplier)
        amount = np.round(np.minimum(rng.lognormal(8.3, 1.5, n), 2_500_000), 2)
        credit = rng.random(n) < 0.02
        amount = np.where(credit, -np.round(amount * rng.uniform(0.05, 1.0, n), 2), amount)
        variant_pick = rng.random(n)
        names = []
        for bi, vp in zip(buyer_idx, variant_pick, strict=True):
            variants = self.buyers[bi].variants
            names.append(
                variants[0]
                if vp < 0.7 or len(variants) == 1
                else variants[1 + int((vp - 0.7) / 0.3 * (len(variants) - 1))]
            )
        return {
            "month_idx": month_idx,
            "buyer": np.array(names, dtype=object),
            "sector": np.array([self.buyers[i].sector for i in buyer_idx], dtype=object),
            "supplier": np.array(self.suppliers, dtype=object)[supplier_idx],
            "sme": self.supplier_sme[supplier_idx],
            "amount": amount,
            "service": np.array(SERVICES, dtype=object)[rng.integers(0, len(SERVICES), n)],
        }


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _iteration(month: dt.date, starts: list[tuple[int, dt.date]], pick: float) -> int:
    live = [n for n, s in starts if s <= month]
    if not live:
        return starts[0][0]
    return live[-1] if pick < 0.7 or len(live) == 1 else live[-2]


def _write_text(
    path: Path, header: list[str], rows: list[list[str]], encoding: str, newline: str, bom: bool = False
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    data = buf.getvalue().encode(encoding, errors="replace")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def _money(value: float, style: str) -> str:
    if style == "pounds":
        text = f"£{abs(value):,.2f}"
        return f"-{text}" if value < 0 else text
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def write_2013(out: Path, uni: Universe, seed: int) -> Path:
    rng = np.random.default_rng(seed + 1)
    months = month_range(dt.date(2012, 4, 1), dt.date(2013, 11, 1))
    r = uni.rows(4_000, months, rng, sme_bias=1.6)
    picks = rng.random(len(r["amount"]))
    lots = rng.choice([1, 2, 3, 4], size=len(picks), p=[0.15, 0.03, 0.22, 0.60])
    rows = []
    for i in range(len(picks)):
        m = months[r["month_idx"][i]]
        it = min(_iteration(m, GCLOUD_STARTS, picks[i]), 4)
        rows.append(
            [
                ROMAN_2013[it],
                str(lots[i]),
                r["supplier"][i],
                r["buyer"][i],
                f"{m:%Y-%m-%d}l",
                r["service"][i],
                _money(r["amount"][i], "plain"),
            ]
        )
    path = out / "G-Cloud-Total-Spend-13-12-13-SAMPLE.csv"
    header = ["Framework", "Lot", "Supplier", "Customer", "For_Month", "Product_Service_Description", "Total_Charge"]
    _write_text(path, header, rows, "cp1252", "\r")
    return path


def write_2014_import(out: Path, uni: Universe, seed: int) -> Path:
    rng = np.random.default_rng(seed + 2)
    months = month_range(dt.date(2013, 10, 1), dt.date(2014, 6, 1))
    r = uni.rows(6_000, months, rng, sme_bias=1.6)
    lots = rng.choice([1, 2, 3, 4], size=len(r["amount"]), p=[0.15, 0.02, 0.15, 0.68])
    rows = []
    for i in range(len(r["amount"])):
        m = months[r["month_idx"][i]]
        rows.append([
            str(i + 1), "G-Cloud", str(lots[i]), r["supplier"][i], r["buyer"][i], f"{m:%Y-%m-%d}",
            f"{r['service'][i]} ({m:%b %Y})", _money(r["amount"][i], "plain"), r["sector"][i],
            "SME" if r["sme"][i] else "Large",
        ])  # fmt: skip
    path = out / "G-Cloud-Spend-14-07-14-For-import-SAMPLE.csv"
    header = ["ID", "Framework", "LotDescription", "SupplierName", "CustomerName", "ReturnMonth", "ProjectNameAndDescription", "EvidencedSpend", "Sector", "SMEorLarge"]  # fmt: skip
    _write_text(path, header, rows, "cp1252", "\r")
    return path


def write_2014_publication(out: Path, uni: Universe, seed: int) -> Path:
    rng = np.random.default_rng(seed + 3)
    months = month_range(dt.date(2014, 7, 1), dt.date(2015, 3, 1))
    r = uni.rows(3_000, months, rng, sme_bias=1.4)
    lots = rng.choice([1, 2, 3, 4], size=len(r["amount"]), p=[0.15, 0.02, 0.18, 0.65])
    rows = []
    for i in range(len(r["amount"])):
        m = months[r["month_idx"][i]]
        rows.append([
            OLD_LOTS[int(lots[i])], f"{m:%d/%m/%Y}", _money(r["amount"][i], "pounds"), r["sector"][i],
            "SME" if r["sme"][i] else "Large", "", r["supplier"][i], r["buyer"][i],
        ])  # fmt: skip
    last = f"{months[-1]:%d/%m/%Y}"
    flawed = [
        [OLD_LOTS[3], last, "£1,250.00", "Local Government", "SME", "", "Sample Cloud Ltd", ""],
        [OLD_LOTS[3], last, "TBC", "Central Government", "Large", "", "Sample Cloud Ltd", "Cabinet Office"],
        [OLD_LOTS[1], last, "1234.56789", "Health", "SME", "", "Sample Cloud Ltd", "NHS England"],
    ]
    rows[-5:-5] = flawed  # near the end: trimmed copies of this file (the test corpus) keep clean rows only
    path = out / "G-Cloud-Spend-For-Publication-2014-15-SAMPLE.csv"
    header = ["LotDescription", "Return Month", "EvidencedSpend", "Sector", "SME or Large", "", "SupplierName", "CustomerName"]  # fmt: skip
    _write_text(path, header, rows, "utf-8", "\r\n")
    return path


def _fy(m: dt.date) -> str:
    start = m.year if m.month >= 4 else m.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def write_gcloud_ccs(out: Path, uni: Universe, seed: int, rows: int) -> Path:
    """The later G-Cloud layout, streamed in chunks so --rows can reach tens of millions."""
    path = out / "g-cloud-spend-2015-2026-SAMPLE.csv"
    header = ["FinancialYear", "FinancialMonth", "FrameworkName", "Lot", "SupplierName", "SupplierSMEStatus", "CustomerName", "MarketSector", "EvidencedSpend", "ServiceDescription"]  # fmt: skip
    months = month_range(dt.date(2015, 4, 1), dt.date(2026, 9, 1))
    month_fy = np.array([_fy(m) for m in months], dtype=object)
    month_name = np.array([MONTH_NAMES[m.month - 1] for m in months], dtype=object)
    rng = np.random.default_rng(seed + 4)
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf")
        fh.write((",".join(header) + "\r\n").encode())
        written = 0
        while written < rows:
            n = min(CHUNK_ROWS, rows - written)
            r = uni.rows(n, months, rng, sme_bias=0.9)
            picks = rng.random(n)
            iteration = np.array(
                [_iteration(months[mi], GCLOUD_STARTS, p) for mi, p in zip(r["month_idx"], picks, strict=True)]
            )
            framework = np.char.add("G-Cloud ", iteration.astype(str))
            new_lot = np.array(NEW_LOTS, dtype=object)[rng.integers(0, 3, n)]
            old_lot = np.array(list(OLD_LOTS.values()), dtype=object)[rng.choice(4, size=n, p=[0.2, 0.05, 0.35, 0.4])]
            lot = np.where(iteration >= 9, new_lot, old_lot)
            frame = pl.DataFrame(
                {
                    "FinancialYear": month_fy[r["month_idx"]],
                    "FinancialMonth": month_name[r["month_idx"]],
                    "FrameworkName": framework,
                    "Lot": lot,
                    "SupplierName": r["supplier"],
                    "SupplierSMEStatus": np.where(r["sme"], "SME", "Large"),
                    "CustomerName": r["buyer"],
                    "MarketSector": r["sector"],
                    "EvidencedSpend": r["amount"],
                    "ServiceDescription": r["service"],
                },
                schema_overrides={"EvidencedSpend": pl.Float64},
            )
            fh.write(frame.write_csv(include_header=False, line_terminator="\r\n", float_precision=2).encode())
            written += n
    return path


def write_dos(out: Path, uni: Universe, seed: int) -> Path:
    rng = np.random.default_rng(seed + 5)
    months = month_range(dt.date(2016, 5, 1), dt.date(2026, 9, 1))
    r = uni.rows(8_000, months, rng, sme_bias=1.3)
    picks = rng.random(len(r["amount"]))
    lots = rng.choice(len(DOS_LOTS), size=len(picks), p=[0.55, 0.38, 0.04, 0.03])
    rows = []
    for i in range(len(picks)):
        m = months[r["month_idx"][i]]
        it = _iteration(m, DOS_STARTS, picks[i])
        rows.append([
            f"Digital Outcomes and Specialists {it}", DOS_LOTS[int(lots[i])], r["supplier"][i],
            "SME" if r["sme"][i] else "Large", r["buyer"][i], r["sector"][i], f"{m:%Y-%m}",
            _money(abs(r["amount"][i]) * 4 * (1 if r["amount"][i] >= 0 else -1), "plain"),
        ])  # fmt: skip
    path = out / "dos-spend-2016-2026-SAMPLE.csv"
    header = ["FrameworkName", "Lot", "SupplierName", "SMEStatus", "CustomerName", "Sector", "SpendMonth", "EvidencedSpend"]  # fmt: skip
    _write_text(path, header, rows, "utf-8", "\n")
    return path


def write_sample(out_dir: Path, *, seed: int = 2026, rows: int | None = None) -> list[Path]:
    """Write the sample marketplace files; `rows` sets the size of the G-Cloud CCS file."""
    out = Path(out_dir) / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    uni = Universe(seed)
    return [
        write_2013(out, uni, seed),
        write_2014_import(out, uni, seed),
        write_2014_publication(out, uni, seed),
        write_gcloud_ccs(out, uni, seed, rows or DEFAULT_CCS_ROWS),
        write_dos(out, uni, seed),
    ]
