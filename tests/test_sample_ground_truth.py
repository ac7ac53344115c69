"""The sample's ground truth against the rules.

Two checks:

* an independent reading of every rule in RULES.md, written here in plain SQL
  over the loaded tables, must find exactly the (rule, contact) pairs of
  ``ground_truth.csv``: the background breaks no rule and every injected
  problem, secondary effects included, is listed;
* the rule engine (``audit.rules.evaluate`` for every month) must agree with
  the ground truth for every rule that exists in the catalogue. Rule packs
  that are not written yet are reported as missing, not failed.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from audit import ingest, rules
from audit.sample import generate
from conftest import connect, make_config

LEXICON = Path(__file__).resolve().parent.parent / "queries" / "rules" / "cn" / "abuse_lexicon.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A sample big enough for every scenario variant, ingested into a fresh warehouse."""
    base = tmp_path_factory.mktemp("gt")
    out = base / "sample"
    summary = generate(out, accounts=700, months=4, seed=11)
    config = make_config(base)
    con = connect(config)
    files = [p for p in sorted(out.glob("*.csv")) if p.name != "ground_truth.csv"]
    results = ingest.ingest(con, config, ingest.plan(files, config), base / "work")
    assert sum(r.rows_rejected for r in results) == 0
    truth = pl.read_csv(out / "ground_truth.csv")
    yield con, config, summary, truth
    con.close()


def _pairs(frame: pl.DataFrame) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for rule, contact in frame.select("rule_id", "contact_id").iter_rows():
        out[rule].add(contact)
    return out


def _score(found: dict[str, set[str]], truth: dict[str, set[str]], rule_ids) -> list[str]:
    lines, bad = [], []
    for rule in sorted(rule_ids):
        f, t = found.get(rule, set()), truth.get(rule, set())
        hit = len(f & t)
        recall = hit / len(t) if t else 1.0
        precision = hit / len(f) if f else 1.0
        lines.append(
            f"{rule:24s} truth {len(t):4d} found {len(f):4d} "
            f"recall {recall:.3f} precision {precision:.3f}"
        )
        if recall < 1 or precision < 1:
            bad.append(f"{rule}: missed {sorted(t - f)[:5]} extra {sorted(f - t)[:5]}")
    print("\n".join(lines))
    return bad


# ---------------------------------------------------------------- reference reading of RULES.md

_STAGING = r"""
create or replace temp table rc as
select c.*, a.customer_id, a.regime,
    list_prepend(a.timezone, coalesce(a.alt_timezones, [])) as zones,
    c.direction = 'outbound' and c.channel <> 'letter' as ob,
    c.channel in ('call', 'ringless_voicemail') as is_call,
    c.call_result in ('answered', 'no_answer', 'voicemail', 'rejected') as connected,
    coalesce(c.ended_at, c.started_at) as end_at
from contacts c join accounts a using (account_id);

create or replace temp table rz as
select contact_id, zone, timezone(zone, started_at) as lt,
    timezone(zone, started_at)::date as ld
from (select contact_id, started_at, unnest(zones) as zone from rc);

create or replace temp table rz_end as
select contact_id, zone, timezone(zone, end_at)::date as ld
from (select contact_id, end_at, unnest(zones) as zone from rc);

-- events resolved to the accounts they apply to, with the person they name
create or replace temp table re as
select e.*, a.account_id as applies_to, coalesce(e.person_id, a.customer_id) as person
from account_events e join accounts a
  on a.account_id = e.account_id or (e.account_id is null and a.customer_id = e.person_id);

-- Reg F counted calls (no consent or wrong-number exclusions: stricter, never fewer)
create or replace temp table counted as
select * from rc
where regime = 'us_regf' and direction = 'outbound' and is_call and connected
  and party <> 'attorney';
"""

_RULES = {
    "CN-HOURS": """
select distinct c.contact_id from rc c join rz z using (contact_id)
where c.regime = 'cn' and c.purpose = 'collection' and c.direction = 'outbound'
  and (z.lt::time >= time '22:00:00' or z.lt::time < time '08:00:00')""",
    "US-REGF-TIME": """
select distinct c.contact_id from rc c join rz z using (contact_id)
where c.regime = 'us_regf' and c.ob and c.party in ('debtor', 'spouse')
  and (z.lt::time < time '08:00:00' or z.lt::time > time '21:00:00')""",
    "UK-CONC-TIME": """
select distinct c.contact_id from rc c join rz z using (contact_id)
where c.regime = 'uk_conc' and c.ob
  and (z.lt::time < time '08:00:00' or z.lt::time > time '21:00:00')""",
    "US-REGF-INCONV": """
select distinct c.contact_id from rc c join rz z using (contact_id)
join win w on w.account_id = c.account_id
where c.regime = 'us_regf' and c.ob and c.party = 'debtor'
  and c.started_at >= w.effective_at and (w.ended_at is null or c.started_at < w.ended_at)
  and isodow(z.lt) = w.isodow
  and hour(z.lt) * 60 + minute(z.lt) >= w.start_min
  and hour(z.lt) * 60 + minute(z.lt) < w.end_min""",
    "US-REGF-MEDIUM": """
select distinct c.contact_id from rc c join re e on e.event_type = 'medium_optout'
  and e.person = c.person_id
where c.regime = 'us_regf' and c.ob and c.started_at >= e.effective_at
  and (e.ended_at is null or c.started_at < e.ended_at)
  and (c.channel = e.channel or (e.channel = 'call' and c.channel = 'ringless_voicemail'))
  and (e.phone_number is null or e.phone_number = c.phone_number)""",
    "US-REGF-7IN7": """
select distinct c.contact_id from counted c join rz z using (contact_id)
where (select count(*) from counted o join rz oz using (contact_id)
       where o.person_id = c.person_id and o.account_id = c.account_id and oz.zone = z.zone
         and oz.ld between z.ld - 6 and z.ld
         and (o.started_at < c.started_at
              or (o.started_at = c.started_at and o.contact_id <= c.contact_id))) > 7""",
    "US-REGF-POSTCONV": """
with conv as (
    select c.contact_id, c.person_id, c.end_at, d.debt
    from rc c, unnest(list_prepend(c.account_id, coalesce(c.debts_discussed, []))) as d(debt)
    where c.regime = 'us_regf' and c.channel = 'call' and c.conversation
)
select distinct k.contact_id from conv v
join rz_end vz on vz.contact_id = v.contact_id
join counted k on k.person_id = v.person_id and k.account_id = v.debt
join rz kz on kz.contact_id = k.contact_id and kz.zone = vz.zone
where k.started_at > v.end_at and kz.ld <= vz.ld + 6""",
    "US-REGF-CEASE": """
select distinct c.contact_id from rc c join re e
  on e.event_type in ('cease_request', 'refuse_to_pay')
 and (e.applies_to = c.account_id or list_contains(coalesce(c.debts_discussed, []), e.applies_to))
where c.regime = 'us_regf' and c.direction = 'outbound' and c.purpose <> 'notice'
  and c.started_at > e.effective_at""",
    "US-REGF-ATTY": """
select distinct c.contact_id from rc c join re e
  on e.event_type = 'attorney_represented' and e.applies_to = c.account_id
where c.regime = 'us_regf' and c.ob and c.party = 'debtor' and c.started_at >= e.effective_at
  and (e.ended_at is null or c.started_at < e.ended_at)""",
    "US-REGF-3P": """
select contact_id from rc
where regime = 'us_regf' and conversation
  and party in ('relative', 'employer', 'emergency_contact', 'third_party')
  and purpose <> 'location_info'""",
    "US-REGF-LOC": """
select contact_id from (
    select contact_id,
        row_number() over (partition by person_id order by started_at, contact_id) as n
    from rc
    where regime = 'us_regf' and conversation and purpose = 'location_info'
      and party in ('relative', 'employer', 'emergency_contact', 'third_party'))
where n > 1""",
    "RISK-RAPID": """
select c.contact_id from rc c
where c.regime = 'us_regf' and c.direction = 'outbound' and c.is_call
  and c.call_result <> 'answered'
  and exists (select 1 from rc o where o.phone_number = c.phone_number and o.direction = 'outbound'
              and o.is_call and o.call_result <> 'answered' and o.contact_id <> c.contact_id
              and o.started_at <= c.started_at
              and c.started_at - o.started_at <= interval 5 minutes)""",
    "RISK-CONCENTRATED": """
select distinct contact_id from (
    select c.contact_id, row_number() over (
        partition by c.phone_number, z.zone, z.ld order by c.started_at, c.contact_id) as n
    from rc c join rz z using (contact_id)
    where c.regime = 'us_regf' and c.direction = 'outbound' and c.is_call)
where n >= 6""",
    "CN-FREQ-CONVERSATION": """
select distinct contact_id from (
    select c.contact_id, row_number() over (
        partition by c.customer_id, z.zone, z.ld order by c.started_at, c.contact_id) as n
    from rc c join rz z using (contact_id)
    where c.regime = 'cn' and c.direction = 'outbound' and c.is_call and c.conversation
      and c.party = 'debtor')
where n > 3""",
    "CN-FREQ-UNANSWERED": """
select distinct contact_id from (
    select c.contact_id, row_number() over (
        partition by c.phone_number, z.zone, z.ld order by c.started_at, c.contact_id) as n
    from rc c join rz z using (contact_id)
    where c.regime = 'cn' and c.direction = 'outbound' and c.channel = 'call'
      and c.call_result <> 'answered')
where n > 6""",
    "CN-THIRD-PARTY": """
select contact_id from rc
where regime = 'cn' and ob and party in ('third_party', 'employer')""",
    "CN-CONTACT-REACHABLE": """
select distinct c.contact_id from rc c join rc r
  on r.customer_id = c.customer_id and r.conversation and r.party = 'debtor'
where c.regime = 'cn' and c.ob and c.party in ('emergency_contact', 'relative')
  and c.started_at >= r.started_at and c.started_at < r.started_at + interval 168 hours""",
    "CN-CONTACT-REFUSED": """
select distinct c.contact_id from rc c
where c.regime = 'cn' and c.person_id is not null and (
    exists (select 1 from account_events e where e.event_type = 'contact_refused'
            and e.person_id = c.person_id and c.started_at > e.effective_at)
 or exists (select 1 from rc r where r.outcome = 'third_party_refused'
            and r.person_id = c.person_id and c.started_at > r.started_at))""",
    "CN-RECORDING": """
select contact_id from rc
where regime = 'cn' and recording_id is null
  and ((is_call and conversation) or channel = 'visit')""",
    "CN-ABUSE": """
select distinct c.contact_id from rc c join lexicon l
  on (l.lang = 'zh' and strpos(c.note, l.term) > 0)
  or (l.lang = 'en' and regexp_matches(c.note, '(?i)\\b' || l.term || '\\b'))
where c.regime = 'cn'""",
    "CN-UNCERTIFIED": """
select distinct c.contact_id from rc c join rz z using (contact_id)
left join collectors k on k.collector_id = c.collector_id
where c.regime = 'cn' and c.collector_id is not null
  and (k.collector_id is null or k.certified_until is null or k.certified_until < z.ld)""",
    "GEN-PAID-OFF": """
select c.contact_id from rc c
where c.direction = 'outbound' and c.purpose = 'collection'
  and (select coalesce(sum(amount), 0) from payments p
       where p.account_id = c.account_id and p.paid_at < c.started_at)
   >= (select sum(amount_due) from installments i where i.account_id = c.account_id)""",
    "GEN-NOT-DUE": """
select distinct c.contact_id from rc c join rz z using (contact_id)
where c.direction = 'outbound' and c.purpose = 'collection'
  and (select coalesce(sum(amount_due), 0) from installments i
       where i.account_id = c.account_id and i.due_date < z.ld)
    - (select coalesce(sum(amount), 0) from payments p
       where p.account_id = c.account_id and p.paid_at < c.started_at) <= 0""",
    "GEN-DECEASED-BANKRUPT": """
select distinct c.contact_id from rc c join re e
  on e.event_type in ('deceased', 'bankruptcy') and e.applies_to = c.account_id
where c.direction = 'outbound' and c.purpose = 'collection' and c.party = 'debtor'
  and c.started_at > e.effective_at and (e.ended_at is null or c.started_at < e.ended_at)""",
    "UK-CONC-PREF": """
select distinct c.contact_id from rc c join rz z using (contact_id)
left join win w on w.account_id = c.account_id and c.started_at >= w.effective_at
  and (w.ended_at is null or c.started_at < w.ended_at) and isodow(z.lt) = w.isodow
  and hour(z.lt) * 60 + minute(z.lt) >= w.start_min and hour(z.lt) * 60 + minute(z.lt) < w.end_min
left join re e on e.event_type = 'medium_optout' and e.applies_to = c.account_id
  and c.started_at >= e.effective_at
  and (c.channel = e.channel or (e.channel = 'call' and c.channel = 'ringless_voicemail'))
  and (e.phone_number is null or e.phone_number = c.phone_number)
where c.regime = 'uk_conc' and c.ob and (w.account_id is not null or e.event_id is not null)""",
    "UK-CONC-3P": """
select contact_id from rc
where regime = 'uk_conc' and conversation and purpose = 'collection'
  and party in ('third_party', 'employer', 'relative')""",
    "UK-CONC-VULN-VISIT": """
select distinct c.contact_id from rc c join re e
  on e.event_type = 'vulnerable' and e.applies_to = c.account_id
where c.regime = 'uk_conc' and c.channel = 'visit' and c.started_at > e.effective_at""",
}

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _windows(con) -> pl.DataFrame:
    """inconvenient_time windows ('Mon-Fri 09:00-12:00', 'Sat,Sun') as weekday x minutes."""
    rows = []
    for account, spec, eff, end in con.sql(
        'select applies_to, "window", effective_at, ended_at from re '
        "where event_type = 'inconvenient_time'"
    ).fetchall():
        text = spec.lower().strip()
        m = re.search(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", text)
        start, stop = (int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])) if m else (0, 1440)
        days_text = text[: m.start()].strip() if m else text
        days: set[int] = set()
        for token in filter(None, (t.strip() for t in days_text.split(","))):
            a, _, b = token.partition("-")
            i, j = _DAYS.index(a.strip()), _DAYS.index((b or a).strip())
            days.update(range(i + 1, j + 2))
        for d in days or range(1, 8):
            rows.append((account, d, start, stop, eff, end))
    return pl.DataFrame(
        rows,
        schema=["account_id", "isodow", "start_min", "end_min", "effective_at", "ended_at"],
        orient="row",
    )


def _reference(con) -> dict[str, set[str]]:
    con.execute(_STAGING)
    win = _windows(con)  # noqa: F841 - read by the SQL below
    con.execute("create or replace temp table win as select * from win")
    with open(LEXICON, encoding="utf-8") as fh:
        lex = [(r["term"], r["lang"]) for r in csv.DictReader(fh)]
    lexicon = pl.DataFrame(lex, schema=["term", "lang"], orient="row")  # noqa: F841
    con.execute("create or replace temp table lexicon as select * from lexicon")
    return {rule: {r[0] for r in con.sql(sql).fetchall()} for rule, sql in _RULES.items()}


def test_reference_reading_of_the_rules_matches_the_ground_truth(loaded):
    con, _config, summary, truth = loaded
    expected = _pairs(truth)
    found = _reference(con)
    assert set(expected) == set(_RULES), "every rule has at least one injected case"
    bad = _score(found, expected, _RULES)
    assert not bad, "\n".join(bad)
    assert summary.injected == {r: len(v) for r, v in sorted(expected.items())}


@pytest.mark.parametrize("together", [False, True], ids=["month by month", "one span"])
def test_rule_engine_matches_the_ground_truth(loaded, together):
    """Each month evaluated alone, and all months in one pass, find the same problems."""
    con, config, _summary, truth = loaded
    months = sorted(
        {
            d.replace(day=1)
            for (d,) in con.sql(
                "select distinct (started_at at time zone 'Asia/Shanghai')::date from contacts"
            ).fetchall()
        }
    )
    if together:
        rules.evaluate(con, config, months)
    else:
        for month in months:
            rules.evaluate(con, config, month)
    found = _pairs(
        con.sql(
            "select rule_id, contact_id from violations union all "
            "select rule_id, contact_id from risk_flags"
        ).pl()
    )
    catalogue = {r.id for r in rules.all_rules()}
    expected = _pairs(truth)
    missing = sorted(set(expected) - catalogue)
    if missing:
        print("rules not in the catalogue yet:", ", ".join(missing))
    bad = _score(found, expected, catalogue & (set(expected) | set(found)))
    assert not bad, "\n".join(bad)
    assert isinstance(months[0], date)
