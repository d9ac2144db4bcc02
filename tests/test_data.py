"""Do the data sets load, match their schemas, cite a source on every row, and agree with the fact sheet?"""

import re
from html import unescape

import pandas as pd
import pytest

from course import data
from course.paths import PROJECT

FACTSHEET = PROJECT.parent / "shared" / "factsheet.md"


@pytest.mark.parametrize("name", data.DATASETS)
def test_every_row_cites_a_public_source(name):
    df = data.load(name)
    assert len(df) > 0
    assert df["source"].str.contains(r"https?://").all()


@pytest.mark.parametrize("name", data.DATASETS)
def test_schema_documents_every_column(name):
    doc = data.describe(name)
    assert list(doc["column"]) == list(data.load(name).columns)
    assert (doc["meaning"].str.len() > 5).all()


def test_timeline_dates_are_dates_and_text_on_request():
    parsed, raw = data.load("timeline"), data.load("timeline", parse_dates=False)
    assert pd.api.types.is_datetime64_any_dtype(parsed["date"])
    assert raw["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_key_dates_follow_the_fact_sheet():
    t = data.load("timeline")
    meetings = t[(t["category"] == "leaders_meeting") & t["parties"].str.contains("US")]
    assert [d.date().isoformat() for d in meetings["date"]] == ["2018-06-12", "2019-02-27", "2019-06-30"]
    hanoi = meetings[meetings["place"] == "Hanoi"].iloc[0]
    assert hanoi["end_date"] == pd.Timestamp("2019-02-28")
    launch = t[t["category"] == "missile_test"].iloc[0]
    assert (launch["date"], launch["date_alt"]) == (pd.Timestamp("2017-11-29"), pd.Timestamp("2017-11-28"))


MONTHS = {
    m: i
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}
PROSE_DATE = re.compile(
    r"\b(\d{1,2})(?:[\u2013-](\d{1,2}))? "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{4})\b"
)


def _sheet_dates(sheet: str) -> set:
    """ISO dates in the fact sheet, with its short ranges (2019-02-28/03-01, 2019-03-01/02) expanded, and its dates
    in words ("27 Jan 1973", "17\u201318 June 2014"), every day of a range included."""
    listed = set(re.findall(r"\d{4}-\d{2}-\d{2}", sheet))
    listed |= {f"{y}-{md}" for y, md in re.findall(r"(\d{4})-\d{2}-\d{2}/(\d{2}-\d{2})\b", sheet)}
    listed |= {f"{ym}-{d}" for ym, d in re.findall(r"(\d{4}-\d{2})-\d{2}/(\d{2})\b", sheet)}
    for first, last, month, year in PROSE_DATE.findall(sheet):
        for day in range(int(first), int(last or first) + 1):
            listed.add(f"{year}-{MONTHS[month.lower()]:02d}-{day:02d}")
    return listed


@pytest.mark.skipif(not FACTSHEET.exists(), reason="../shared/factsheet.md is not beside the project")
@pytest.mark.parametrize(
    "name,columns",
    [
        ("timeline", ["date", "end_date"]),
        ("accounts", ["date"]),
        ("resolutions", ["adopted", "trigger_date"]),
        ("caps", ["period_start"]),
        ("venues", ["start_date", "end_date"]),
        ("hosting_costs", ["as_of"]),
    ],
)
def test_every_date_appears_in_the_fact_sheet(name, columns):
    raw = data.load(name, parse_dates=False)
    dates = {d for col in columns for d in raw[col] if d}
    assert sorted(dates - _sheet_dates(FACTSHEET.read_text(encoding="utf-8"))) == []


@pytest.mark.skipif(not FACTSHEET.exists(), reason="../shared/factsheet.md is not beside the project")
def test_every_other_convention_date_is_the_one_the_fact_sheet_gives():
    sheet = FACTSHEET.read_text(encoding="utf-8")
    alts = list(data.load("timeline", parse_dates=False)["date_alt"])
    alts += list(data.load("resolutions", parse_dates=False)["trigger_date_alt"])
    for alt in filter(None, alts):
        day = pd.Timestamp(alt)
        prose = f"{day.day} {day.month_name()}"
        assert prose in sheet or alt in _sheet_dates(sheet), f"{alt} ({prose}) is not in the fact sheet"


def test_the_state_department_briefing_has_no_place_since_no_source_gives_one():
    t, a = data.load("timeline"), data.load("accounts")
    assert (t.loc[t["category"] == "briefing", ["place", "country"]] == "").all().all()
    assert a.loc[a["speaker"] == "State Department official", "venue"].item() == ""


def test_timeline_events_are_unique():
    """The checks find each event's own date by its text (course/checks/summit_outcome.py)."""
    assert data.load("timeline")["event"].is_unique


def test_resolution_designations_and_trigger_dates_follow_the_fact_sheet():
    r = data.load("resolutions").set_index("number")
    # The fact sheet lists designations for every resolution but 1874 (2321 and 2375 included, in their annexes).
    tagged = r.index[r["sectors"].str.split(";").apply(lambda tags: "designations" in tags)]
    assert sorted(set(r.index) - set(tagged)) == [1874]
    # Korean local time is the convention: the first Hwasong-14 flew on 4 July, still 3 July in Washington.
    assert (r.at[2371, "trigger_date"], r.at[2371, "trigger_date_alt"]) == (
        pd.Timestamp("2017-07-04"),
        pd.Timestamp("2017-07-03"),
    )


def test_singapore_statement_has_four_points_in_order():
    s = data.load("singapore_statement")
    assert list(s["point"]) == [1, 2, 3, 4]
    assert s.loc[s["point"] == 3, "theme"].item() == "denuclearization"


@pytest.mark.parametrize("name", data.DATASETS)
def test_every_row_of_every_data_set_follows_the_schema(name):
    data.validate_dataset(name)


def test_a_row_that_breaks_the_schema_is_named_with_its_line():
    schema = data._schema("singapore_statement")
    bad = pd.DataFrame(
        [
            {"point": "1", "theme": "new relations", "commitment": "x" * 20, "source": "https://a"},
            {"point": "9", "theme": "peace", "commitment": "y" * 20, "source": "no url here"},
        ]
    )
    with pytest.raises(data.DataError, match=r"line 3"):
        data._validate("singapore_statement", schema, bad)


def test_a_missing_column_is_reported():
    schema = data._schema("accounts")
    with pytest.raises(data.DataError, match="lacks the column"):
        data._validate("accounts", schema, pd.DataFrame([{"speaker": "x"}]))


def test_an_unknown_data_set_lists_the_known_ones():
    with pytest.raises(data.DataError, match="timeline"):
        data.load("timelines")


@pytest.mark.parametrize("name", data.DATASETS)
def test_describe_shows_every_meaning_in_full(name):
    """pandas cuts a cell at 50 characters; a student must read the whole rule (e.g. which local time)."""
    doc = data.describe(name)
    html, text = unescape(doc._repr_html_()), " ".join(repr(doc).split())
    for meaning in doc["meaning"]:
        assert meaning in html and meaning in text, meaning
    assert all(len(line) <= 104 for line in repr(doc).splitlines())  # wrapped
