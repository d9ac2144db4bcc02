"""Other correct answers and typical wrong methods for middle_powers, graded by its own test cells."""
from . import OK, WRONG

CASES = [
    (OK, "agreements = venues.query(\"outcome_kind == 'agreement'\").reset_index(drop=True)",
     {"test_agreements": 2}),
    (WRONG, 'agreements = venues[venues["level"] == "leaders"]', {"test_agreements": 0}),
    (OK, 'venues_by_host = venues.groupby("host_country").size()', {"test_venues_by_host": 2}),
    (WRONG, 'venues_by_host = venues["city"].value_counts()', {"test_venues_by_host": 0}),
    (OK, 'chronology = venues.sort_values(["year", "month", "start_date"])["name"]', {"test_chronology": 2}),
    (WRONG, 'chronology = venues.sort_values("start_date")["name"].tolist()  # Geneva 1954 last',
     {"test_chronology": 0}),
    (OK, 'years_to_normalization = (pd.Timestamp("1995-07-11") - pd.Timestamp("1986-12-15")).days / 365.25',
     {"test_years_to_normalization": 1}),
    (WRONG, "years_to_normalization = 1995 - 1986", {"test_years_to_normalization": 0}),
    (OK, 'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-08")).days',
     {"test_days_hanoi_named_to_summit": 1}),
    (WRONG, 'days_hanoi_named_to_summit = (pd.Timestamp("2019-02-27") - pd.Timestamp("2019-02-05")).days  # the country',
     {"test_days_hanoi_named_to_summit": 0}),
    (OK, 'hosted_by_mongolia = venues[venues["city"] == "Ulaanbaatar"]', {"test_hosted_by_mongolia": 1}),
    (WRONG, 'hosted_by_mongolia = venues[venues["host_country"].isin(["Mongolia", "China"])]',
     {"test_hosted_by_mongolia": 0}),
    (OK, 's = arrivals.set_index("year")["arrivals"]\narrivals_growth = ((s - s.shift()) / s.shift() * 100).dropna()',
     {"test_arrivals_growth": 2}),
    (WRONG, 'arrivals_growth = arrivals.set_index("year")["growth_pct"]  # copied, 2017 included',
     {"test_arrivals_growth": 0}),
    (OK, "gap_2018 = float(arrivals_growth.loc[2018]) - 19.9", {"test_gap_2018": 1}),
    (WRONG, "gap_2018 = round(arrivals_growth[2018], 1) - 19.9  # rounded first", {"test_gap_2018": 0}),
    (OK, 'arrivals_millions = arrivals.set_index("year")["arrivals"].div(1e6)\n'
                          "fig, arrivals_ax = plt.subplots()\narrivals_ax.bar(arrivals_millions.index, arrivals_millions)",
     {"test_arrivals_millions": 1, "test_arrivals_plot": 1}),
    (WRONG, 'arrivals_millions = arrivals.set_index("year")["arrivals"]\narrivals_ax = arrivals_millions.plot(kind="bar")',
     {"test_arrivals_millions": 0, "test_arrivals_plot": 0}),
    (OK, 'v = hosting[(hosting["item"] == "cost") & (hosting["unit"] == "SGD million")].set_index("basis")["value"]\n'
                          'cost_change_pct = v.loc[["estimate", "reported"]].pct_change().iloc[-1] * 100',
     {"test_cost_change_pct": 1}),
    (WRONG, "cost_change_pct = (12 - 20) / 20 * 100  # US$ against S$", {"test_cost_change_pct": 0}),
    (OK, 'j = hosting[hosting["item"] == "journalists"]\n'
                          'press_ratio = j.loc[j["host"] == "Vietnam", "value"].item() / j.loc[j["host"] == "Singapore", "value"].item()',
     {"test_press_ratio": 1}),
    (WRONG, "press_ratio = 2500 / 4000  # upside down", {"test_press_ratio": 0}),
    (OK, "def score(row, weights):\n    w = pd.Series(weights, dtype=float)\n"
                          "    return float((w * pd.Series({k: row[k] for k in w.index})).sum() / w.sum()) if w.sum() else 0.0",
     {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 1}),
    (WRONG, "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items())  # not divided",
     {"test_score_weighted_mean": 0, "test_score_all_weights_zero": 1}),
    (WRONG, "def score(row, weights):\n    return sum(w * row[c] for c, w in weights.items()) / sum(weights.values())",
     {"test_score_weighted_mean": 2, "test_score_all_weights_zero": 0}),
]
