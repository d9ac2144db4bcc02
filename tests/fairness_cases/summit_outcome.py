"""Other correct answers and typical wrong methods for summit_outcome, graded by its own test cells."""

from . import OK, TYPED, WRONG

CASES = [
    # A.1: every way of sorting the rows passes; sorting the date column apart from its rows, or dropping the
    # columns later questions use, does not.
    (
        OK,
        'timeline = events.assign(date=pd.to_datetime(events["date"])).sort_values(["date", "event"])',
        {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 1},
    ),
    (
        OK,
        'timeline = events.sort_values("date", ignore_index=True)  # ISO text sorts like dates\n'
        'timeline["date"] = pd.to_datetime(timeline["date"], format="%Y-%m-%d")',
        {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 1},
    ),
    (
        OK,
        'timeline = events.assign(date=pd.to_datetime(events["date"], utc=True)).sort_values("date")',
        {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 1},
    ),
    (
        WRONG,
        'timeline = events.copy()\ntimeline["date"] = pd.to_datetime(timeline["date"])  # not sorted',
        {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 0},
    ),
    (
        WRONG,
        "timeline = events.copy()\n"
        'timeline["date"] = pd.to_datetime(timeline["date"]).sort_values().values  # dates sorted apart from rows',
        {"test_timeline_dates_parsed": 0, "test_timeline_sorted": 0},
    ),
    (
        WRONG,
        'timeline = events[["date", "event", "place", "category", "parties"]].copy()  # columns dropped\n'
        'timeline["date"] = pd.to_datetime(timeline["date"])\ntimeline = timeline.sort_values("date")',
        {"test_timeline_dates_parsed": 0, "test_timeline_sorted": 0},
    ),
    # A.2
    (
        OK,
        "def days_between(s, e):\n    return int((pd.to_datetime(e) - pd.to_datetime(s)) / pd.Timedelta(days=1))",
        {"test_days_between_singapore_hanoi": 1, "test_days_between_direction": 1},
    ),
    (
        WRONG,
        "def days_between(s, e):\n    return abs((pd.Timestamp(e) - pd.Timestamp(s)).days)",
        {"test_days_between_singapore_hanoi": 1, "test_days_between_direction": 0},
    ),
    (
        WRONG,
        "def days_between(s, e):\n    return (pd.Timestamp(e) - pd.Timestamp(s)).days + 1  # both ends counted",
        {"test_days_between_singapore_hanoi": 0, "test_days_between_direction": 0},
    ),
    # A.3
    (
        OK,
        'us_dprk_meetings = timeline.query("category == \'leaders_meeting\'").loc[lambda d: d["parties"].str.contains("US")]',
        {"test_us_dprk_meetings": 2},
    ),
    (WRONG, 'us_dprk_meetings = timeline[timeline["category"] == "leaders_meeting"]', {"test_us_dprk_meetings": 0}),
    (
        WRONG,
        'us_dprk_meetings = timeline[timeline["parties"] == "US;DPRK"]  # category left out: Stockholm slips in',
        {"test_us_dprk_meetings": 0},
    ),
    # A.4
    (OK, 'meeting_gaps = us_dprk_meetings["date"].diff()  # Timedeltas, NaT first', {"test_meeting_gaps": 2}),
    (
        WRONG,
        'meeting_gaps = us_dprk_meetings["date"].diff(-1).dt.days.dropna().tolist()  # backwards',
        {"test_meeting_gaps": 0},
    ),
    (
        WRONG,
        'meeting_gaps = [260, (us_dprk_meetings["date"].iloc[2] - pd.Timestamp(us_dprk_meetings["end_date"].iloc[1])).days]'
        "  # from the last day of Hanoi",
        {"test_meeting_gaps": 0},
    ),
    # A.5: counting both ends on the local dates gives the New York count; asking for both tells them apart.
    (
        OK,
        'launch = timeline[(timeline["category"] == "missile_test") & timeline["event"].str.contains("Hwasong-15")]'
        ".iloc[0]\n"
        'adopted = timeline.loc[timeline["event"].str.contains("2397"), "date"].iloc[0]\n'
        'days_local_dates = days_between(str(launch["date"].date()), str(adopted.date()))\n'
        'days_new_york_dates = float(days_between(launch["date_alt"], str(adopted.date())))',
        {"test_days_launch_to_2397": 1},
    ),
    (
        WRONG,
        "days_local_dates = days_between('2017-11-29', '2017-12-22') + 1  # both ends counted\n"
        "days_new_york_dates = days_between('2017-11-28', '2017-12-22') + 1",
        {"test_days_launch_to_2397": 0},
    ),
    (
        WRONG,
        "days_local_dates = days_new_york_dates = 24  # the New York count for both",
        {"test_days_launch_to_2397": 0},
    ),
    (
        WRONG,
        'days_local_dates = pd.Timestamp("2017-12-22") - pd.Timestamp("2017-11-29")  # a Timedelta\n'
        'days_new_york_dates = pd.Timestamp("2017-12-22") - pd.Timestamp("2017-11-28")',
        {"test_days_launch_to_2397": 0},
    ),
    # A.6: unrounded, or rounded to two decimal places or more, as the prompt says; nothing looser (one decimal
    # gives 8.5 for 259 days as for 260).
    (OK, "months_singapore_to_hanoi = meeting_gaps[0] / 30.4375  # unrounded", {"test_months_singapore_to_hanoi": 2}),
    (
        OK,
        'meetings = timeline[timeline["category"] == "leaders_meeting"].set_index("place")["date"]\n'
        'months_singapore_to_hanoi = (meetings["Hanoi"] - meetings["Sentosa, Singapore"]).days / (365.25 / 12)',
        {"test_months_singapore_to_hanoi": 2},
    ),
    (
        OK,
        'months_singapore_to_hanoi = round(us_dprk_meetings["date"].diff().dt.days.iloc[1] / (365.25 / 12), 2)',
        {"test_months_singapore_to_hanoi": 2},
    ),
    (WRONG, "months_singapore_to_hanoi = 260 / 30  # 30-day months", {"test_months_singapore_to_hanoi": 0}),
    (
        WRONG,
        "months_singapore_to_hanoi = days_between('2018-06-12', '2019-02-28') / (365.25 / 12)  # last day in Hanoi",
        {"test_months_singapore_to_hanoi": 0},
    ),
    (
        WRONG,
        "months_singapore_to_hanoi = round(days_between('2018-06-13', '2019-02-27') / (365.25 / 12), 1)"
        "  # a day short, hidden by one decimal",
        {"test_months_singapore_to_hanoi": 0},
    ),
    (
        WRONG,
        "months_singapore_to_hanoi = round(260 / (365.25 / 12))  # a whole number of months",
        {"test_months_singapore_to_hanoi": 0},
    ),
    # C.1
    (OK, 'accounts_by_side = accounts.groupby("side", observed=True).size()', {"test_accounts_by_side": 2}),
    (WRONG, 'accounts_by_side = accounts["speaker"].value_counts()', {"test_accounts_by_side": 0}),
    # Forms a beginner writes, each of which once passed in the kernel and scored 0 when decided outside it
    (OK, 'from collections import Counter\naccounts_by_side = Counter(accounts["side"])', {"test_accounts_by_side": 2}),
    (OK, 'meeting_gaps = us_dprk_meetings["date"].diff().dt.days.array', {"test_meeting_gaps": 2}),
    (
        WRONG,
        "def days_between(start, end):\n    s, e = pd.Timestamp(start), pd.Timestamp(end)\n"
        "    return (e.year - s.year) * 365 + (e.dayofyear - s.dayofyear)  # leap days ignored",
        {"test_days_between_singapore_hanoi": 1, "test_days_between_direction": 0},
    ),
    # Answers the checks accept in the kernel that the grader once could not rebuild, or that a check of the same
    # kind of answer treated differently (docs/grading-safety.md, "What the export carries")
    (
        OK,
        'timeline = events.assign(date=pd.to_datetime(events["date"]).dt.tz_localize("America/New_York"))'
        '.sort_values("date")  # New York time: two UTC offsets, either side of summer time',
        {"test_timeline_dates_parsed": 1, "test_timeline_sorted": 1},
    ),
    (
        OK,
        'from collections import Counter\naccounts_by_side = pd.Series(Counter(accounts["side"].to_numpy().astype(str)))'
        "  # NumPy text labels",
        {"test_accounts_by_side": 2},
    ),
    (
        OK,
        'meeting_gaps = us_dprk_meetings["date"].diff().dt.days.astype("Int64")  # nullable, <NA> first',
        {"test_meeting_gaps": 2},
    ),
    # The prompt says to keep all columns: a table of five of them is not the rows of `timeline`
    (
        WRONG,
        'us_dprk_meetings = timeline.loc[(timeline["category"] == "leaders_meeting") & timeline["parties"]'
        '.str.contains("US"), ["date", "event", "place", "category", "parties"]]',
        {"test_us_dprk_meetings": 0},
    ),
    # Keys typed in, and rows picked by typed values: accepted by the checks on the real data, not computed from it
    (
        TYPED,
        'us_dprk_meetings = timeline[timeline["date"].isin(pd.to_datetime(["2018-06-12", "2019-02-27", "2019-06-30"]))]',
        {"test_us_dprk_meetings": 0},
    ),
    (TYPED, "meeting_gaps = [260, 123]", {"test_meeting_gaps": 0}),
    (TYPED, "days_local_dates, days_new_york_dates = 23, 24", {"test_days_launch_to_2397": 0}),
    (
        TYPED,
        'days_local_dates = days_between("2017-11-29", "2017-12-22")\n'
        'days_new_york_dates = float(days_between("2017-11-28", "2017-12-22"))',
        {"test_days_launch_to_2397": 0},
    ),
    (
        TYPED,
        'days_local_dates = (pd.Timestamp("2017-12-22") - pd.Timestamp("2017-11-29")).days\n'
        'days_new_york_dates = (pd.Timestamp("2017-12-22") - pd.Timestamp("2017-11-28")).days',
        {"test_days_launch_to_2397": 0},
    ),
    (TYPED, "months_singapore_to_hanoi = 8.54", {"test_months_singapore_to_hanoi": 0}),
    (TYPED, "months_singapore_to_hanoi = 260 / (365.25 / 12)", {"test_months_singapore_to_hanoi": 0}),
    (
        TYPED,
        "months_singapore_to_hanoi = round(days_between('2018-06-12', '2019-02-27') / (365.25 / 12), 2)",
        {"test_months_singapore_to_hanoi": 0},
    ),
    (TYPED, 'accounts_by_side = pd.Series({"DPRK": 3, "US": 2, "ROK": 1})', {"test_accounts_by_side": 0}),
]
