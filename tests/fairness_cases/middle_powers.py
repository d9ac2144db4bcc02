"""Other correct answers and typical wrong methods for middle_powers, graded by its own test cells.

The rounding the prompts allow (two decimals for B.1, D.1 and D.3) has OK cases; every WRONG case names
the method it stands for.
"""

from . import OK, TYPED, WRONG

CASES = [
    # A.1 agreements
    (OK, "agreements = venues.query(\"outcome_kind == 'agreement'\").reset_index(drop=True)", {"test_agreements": 2}),
    (WRONG, 'agreements = venues[venues["level"] == "leaders"]', {"test_agreements": 0}),
    (
        WRONG,
        'agreements = venues[venues["outcome_kind"] != "no_agreement"]  # talks_continued kept',
        {"test_agreements": 0},
    ),
    # A.2 venues_by_host
    (OK, 'venues_by_host = venues.groupby("host_country").size()', {"test_venues_by_host": 2}),
    (WRONG, 'venues_by_host = venues["city"].value_counts()', {"test_venues_by_host": 0}),
    # A.3 chronology: the data set is not in date order, so leaving it unsorted, or sorting by year alone
    # (the three meetings of 2019 are not in month order in the file), must fail.
    (OK, 'chronology = venues.sort_values(["year", "month", "start_date"])["name"]', {"test_chronology": 2}),
    (OK, 'chronology = venues.sort_values("start_date", na_position="first")["name"]', {"test_chronology": 2}),
    (
        WRONG,
        'chronology = venues.sort_values("start_date")["name"].tolist()  # Geneva 1954 last',
        {"test_chronology": 0},
    ),
    (WRONG, 'chronology = venues["name"].tolist()  # not sorted', {"test_chronology": 0}),
    (WRONG, 'chronology = venues.sort_values("year")["name"].tolist()  # month ignored', {"test_chronology": 0}),
    # B.1 years_to_normalization: from 18 December 1986, divided by 365.25; two decimals allowed
    (
        OK,
        'years_to_normalization = round((pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")).days / 365.25, 2)',
        {"test_years_to_normalization": 1},
    ),
    (
        OK,
        'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")) / pd.Timedelta(days=365.25)',
        {"test_years_to_normalization": 1},
    ),
    (
        WRONG,
        'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-15")).days / 365.25'
        "  # the first day of the congress",
        {"test_years_to_normalization": 0},
    ),
    (
        WRONG,
        'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")).days / 365',
        {"test_years_to_normalization": 0},
    ),
    (WRONG, "years_to_normalization = 1995 - 1986", {"test_years_to_normalization": 0}),
    # B.3 days_hanoi_named_to_summit
    (
        OK,
        'named = timeline[timeline["event"].str.contains("Hanoi") & (timeline["category"] == "announcement")]\n'
        'hanoi = venues[venues["city"] == "Hanoi"]\n'
        'days_hanoi_named_to_summit = int((hanoi["start_date"].min() - named["date"].min()) / pd.Timedelta(days=1))',
        {"test_days_hanoi_named_to_summit": 1},
    ),
    # The prompt asks for both dates from the data: typed from the text above it, they are not
    (
        TYPED,
        'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-08")).days',
        {"test_days_hanoi_named_to_summit": 0},
    ),
    (
        WRONG,
        'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-05")).days  # the country',
        {"test_days_hanoi_named_to_summit": 0},
    ),
    # C.1 hosted_by_mongolia
    (OK, 'hosted_by_mongolia = venues[venues["city"] == "Ulaanbaatar"]', {"test_hosted_by_mongolia": 1}),
    (
        WRONG,
        'hosted_by_mongolia = venues[venues["host_country"].isin(["Mongolia", "China"])]',
        {"test_hosted_by_mongolia": 0},
    ),
    # D.1 arrivals_growth: computed from `arrivals`, two decimals or more; the reported growth_pct is not it
    (
        OK,
        's = arrivals.set_index("year")["arrivals"]\narrivals_growth = ((s - s.shift()) / s.shift() * 100).dropna()',
        {"test_arrivals_growth": 2},
    ),
    (
        OK,
        'arrivals_growth = (arrivals.set_index("year")["arrivals"].pct_change() * 100).round(2)\n'
        "gap_2018 = arrivals_growth[2018] - 19.9  # the rounded growth carried into D.2",
        {"test_arrivals_growth": 2, "test_gap_2018": 1},
    ),
    (
        WRONG,
        'arrivals_growth = arrivals.set_index("year")["growth_pct"]  # copied, 2017 included',
        {"test_arrivals_growth": 0},
    ),
    (
        WRONG,
        'arrivals_growth = arrivals.set_index("year")["growth_pct"].loc[2018:]  # copied from growth_pct',
        {"test_arrivals_growth": 0},
    ),
    (
        WRONG,
        'arrivals_growth = (arrivals.set_index("year")["arrivals"].pct_change() * 100).round(1)'
        "  # one decimal, against the prompt",
        {"test_arrivals_growth": 0},
    ),
    (
        WRONG,
        's = arrivals.set_index("year")["arrivals"]\narrivals_growth = (s.diff() / s * 100).dropna()  # new year as base',
        {"test_arrivals_growth": 0},
    ),
    # D.2 gap_2018
    (OK, "gap_2018 = float(arrivals_growth.loc[2018]) - 19.9", {"test_gap_2018": 1}),
    (WRONG, "gap_2018 = round(arrivals_growth[2018], 1) - 19.9  # rounded first", {"test_gap_2018": 0}),
    (WRONG, "gap_2018 = 19.9 - arrivals_growth[2018]  # reported minus computed", {"test_gap_2018": 0}),
    # D.3 arrivals_millions and D.4 arrivals_ax: two decimals allowed, and the plot of an accepted answer passes
    (
        OK,
        'arrivals_millions = arrivals.set_index("year")["arrivals"].div(1e6)\n'
        "fig, arrivals_ax = plt.subplots()\narrivals_ax.bar(arrivals_millions.index, arrivals_millions)",
        {"test_arrivals_millions": 1, "test_arrivals_plot": 1},
    ),
    (
        OK,
        'arrivals_millions = (arrivals.set_index("year")["arrivals"] / 1e6).round(2)\n'
        'arrivals_ax = arrivals_millions.plot(kind="bar")',
        {"test_arrivals_millions": 1, "test_arrivals_plot": 1},
    ),
    (
        WRONG,
        'arrivals_millions = arrivals.set_index("year")["arrivals"]\narrivals_ax = arrivals_millions.plot(kind="bar")',
        {"test_arrivals_millions": 0, "test_arrivals_plot": 0},
    ),
    (
        WRONG,
        'arrivals_millions = (arrivals.set_index("year")["arrivals"] / 1e6).round()  # whole millions\n'
        'arrivals_ax = arrivals_millions.plot(kind="bar")',
        {"test_arrivals_millions": 0, "test_arrivals_plot": 0},
    ),
    (
        WRONG,
        'arrivals_millions = dict(zip(arrivals["year"], arrivals["arrivals"] / 1e6))  # no .plot for the scaffold',
        {"test_arrivals_millions": 0},
    ),
    # E.1 cost_change_pct and E.2 press_ratio
    (
        OK,
        'v = hosting[(hosting["item"] == "cost") & (hosting["unit"] == "SGD million")].set_index("basis")["value"]\n'
        'cost_change_pct = v.loc[["estimate", "reported"]].pct_change().iloc[-1] * 100',
        {"test_cost_change_pct": 1},
    ),
    (WRONG, "cost_change_pct = (12 - 20) / 20 * 100  # US$ against S$", {"test_cost_change_pct": 0}),
    (WRONG, "cost_change_pct = (16.3 - 20) / 16.3 * 100  # the actual cost as the base", {"test_cost_change_pct": 0}),
    (
        OK,
        'j = hosting[hosting["item"] == "journalists"]\n'
        'press_ratio = j.loc[j["host"] == "Vietnam", "value"].item() / j.loc[j["host"] == "Singapore", "value"].item()',
        {"test_press_ratio": 1},
    ),
    (WRONG, "press_ratio = 2500 / 4000  # upside down", {"test_press_ratio": 0}),
    # F.1 score
    (
        OK,
        "def score(row, weights):\n    w = pd.Series(weights, dtype=float)\n"
        "    return float((w * pd.Series({k: row[k] for k in w.index})).sum() / w.sum()) if w.sum() else 0.0",
        {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 1},
    ),
    (
        WRONG,
        "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items())  # not divided",
        {"test_score_weighted_mean": 0, "test_score_all_weights_zero": 1},
    ),
    (
        WRONG,
        "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())",
        {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 0},
    ),
    (
        WRONG,
        "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items()) / len(weights)"
        "  # by the number of criteria",
        {"test_score_weighted_mean": 0, "test_score_all_weights_zero": 1},
    ),
    # Forms a beginner writes, each of which once passed in the kernel and scored 0 when decided outside it
    (
        OK,
        'chronology = venues.sort_values(["year", "month"]).name.values  # a StringArray on pandas 3',
        {"test_chronology": 2},
    ),
    (OK, 'chronology = venues.sort_values(["year", "month"])["name"].unique()', {"test_chronology": 2}),
    (
        OK,
        'import numpy as np\nchronology = np.array(venues.sort_values(["year", "month"])["name"].tolist())',
        {"test_chronology": 2},
    ),
    (
        OK,
        'from collections import Counter\nvenues_by_host = Counter(venues["host_country"])',
        {"test_venues_by_host": 2},
    ),
    (
        OK,
        "from collections import defaultdict\nvenues_by_host = defaultdict(int)\n"
        'for c in venues["host_country"]:\n    venues_by_host[c] += 1',
        {"test_venues_by_host": 2},
    ),
    # A tolerance of half a unit in the second decimal once let these unrounded wrong counts through
    (
        WRONG,
        'years_to_normalization = ((pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")).days + 1) / 365.25  # both ends',
        {"test_years_to_normalization": 0},
    ),
    (
        WRONG,
        'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-17")).days / 365.25  # a day early',
        {"test_years_to_normalization": 0},
    ),
    (
        OK,
        'years_to_normalization = round((pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-18")).days / 365.25, 3)',
        {"test_years_to_normalization": 1},
    ),
    # Answers the checks accept in the kernel that the grader once could not rebuild, or that a check of the same
    # kind of answer treated differently (docs/grading-safety.md, "What the export carries")
    (
        OK,
        'import numpy as np\nlabels, n = np.unique(venues["host_country"].to_numpy(dtype=str), return_counts=True)\n'
        "venues_by_host = pd.Series(dict(zip(labels, n)))  # NumPy text labels and counts",
        {"test_venues_by_host": 2},
    ),
    (
        OK,
        'import numpy as np\norder = np.lexsort((venues["month"], venues["year"]))\n'
        'chronology = list(np.array(venues["name"].tolist())[order])  # a list of NumPy strings',
        {"test_chronology": 2},
    ),
    (
        OK,
        's = arrivals.set_index("year")["arrivals"].astype("Int64")\n'
        "arrivals_growth = s.pct_change() * 100  # nullable: <NA> for 2017, as A.4 of summit_outcome accepts",
        {"test_arrivals_growth": 2},
    ),
    # Keys typed in, and rows picked by typed values: accepted by the checks on the real data, not computed from it
    (
        TYPED,
        'agreements = venues[venues["name"].isin(["Geneva Conference", "Paris Peace Accords", "Agreed Framework", '
        '"Singapore summit"])]',
        {"test_agreements": 0},
    ),
    (
        TYPED,
        'venues_by_host = pd.Series({"Switzerland": 2, "France": 1, "China": 1, "Mongolia": 1, "Singapore": 1, '
        '"Vietnam": 1, "South Korea": 1, "Sweden": 1})',
        {"test_venues_by_host": 0},
    ),
    (TYPED, "days_hanoi_named_to_summit = 19", {"test_days_hanoi_named_to_summit": 0}),
    (
        TYPED,
        'hosted_by_mongolia = venues[venues["name"] == "Ulaanbaatar Dialogue, first conference"]',
        {"test_hosted_by_mongolia": 0},
    ),
    (
        TYPED,
        "arrivals_growth = pd.Series({2017: float('nan'), 2018: 20.14, 2019: 16.15})",
        {"test_arrivals_growth": 0},
    ),
    (TYPED, "gap_2018 = 20.14 - 19.9", {"test_gap_2018": 0}),
    (
        TYPED,
        "arrivals_millions = pd.Series({2017: 12.9, 2018: 15.5, 2019: 18.0})\n"
        'arrivals_ax = arrivals_millions.plot(kind="bar", rot=0)',
        {"test_arrivals_millions": 0, "test_arrivals_plot": 0},
    ),
    (TYPED, "cost_change_pct = (16.3 - 20) / 20 * 100", {"test_cost_change_pct": 0}),
    (TYPED, "press_ratio = 4000 / 2500", {"test_press_ratio": 0}),
]
