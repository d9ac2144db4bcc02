"""Other correct answers and typical wrong methods for sanctions_relief, graded by its own test cells."""

from . import OK, TYPED, WRONG

CASES = [
    (
        OK,
        "since_march_2016 = resolutions.query(\"adopted >= '2016-03-01'\").reset_index(drop=True)",
        {"test_since_march_2016": 2},
    ),
    (
        WRONG,
        'since_march_2016 = resolutions.loc[resolutions["adopted"] >= "2016-03-01", ["number", "adopted"]]',
        {"test_since_march_2016": 0},
    ),
    (
        OK,
        'economic_2016_2017 = since_march_2016[~since_march_2016["sectors"].eq("designations")]["number"].astype(float).tolist()',
        {"test_economic_2016_2017": 2},
    ),
    (WRONG, 'economic_2016_2017 = since_march_2016["number"].tolist()  # 2356 kept', {"test_economic_2016_2017": 0}),
    (
        OK,
        'first = sector_rows.sort_values("adopted").drop_duplicates("sector")\n'
        'new_sectors_by_year = first["adopted"].dt.year.value_counts().sort_index()',
        {"test_new_sectors_by_year": 2},
    ),
    # value_counts orders by count: the prompt asks for year order, because A.5's .cumsum() adds up in row order.
    (
        WRONG,
        'first = sector_rows.sort_values("adopted").drop_duplicates("sector")\n'
        'new_sectors_by_year = first["adopted"].dt.year.value_counts()  # by count, not year',
        {"test_new_sectors_by_year": 0},
    ),
    (
        WRONG,
        'new_sectors_by_year = sector_rows.groupby("sector")["adopted"].min().dt.year.value_counts()\n'
        "cumulative_sectors = new_sectors_by_year.cumsum()  # A.5 followed literally\n"
        'sectors_ax = cumulative_sectors.plot(drawstyle="steps-post", marker="o")',
        {"test_new_sectors_by_year": 0, "test_cumulative_sectors": 0, "test_sectors_plot": 0},
    ),
    (
        WRONG,
        'new_sectors_by_year = sector_rows["adopted"].dt.year.value_counts()  # every mention',
        {"test_new_sectors_by_year": 0},
    ),
    (
        OK,
        "cumulative_sectors = new_sectors_by_year.sort_index().cumsum().astype(float)\n"
        "fig, sectors_ax = plt.subplots()\n"
        'sectors_ax.step(cumulative_sectors.index, cumulative_sectors.values, where="post")',
        {"test_cumulative_sectors": 1, "test_sectors_plot": 1},
    ),
    (
        WRONG,
        "cumulative_sectors = new_sectors_by_year\nsectors_ax = new_sectors_by_year.plot()",
        {"test_cumulative_sectors": 0, "test_sectors_plot": 0},
    ),
    (
        OK,
        "steps = cumulative_sectors.diff().fillna(cumulative_sectors)\n"
        "steepest_year, steepest_rise = int(steps.idxmax()), int(steps.max())",
        {"test_steepest_year": 1},
    ),
    (
        OK,
        "steepest_year = int(new_sectors_by_year.idxmax())\nsteepest_rise = float(new_sectors_by_year.max())",
        {"test_steepest_year": 1},
    ),
    (WRONG, "steepest_year = 2016", {"test_steepest_year": 0}),
    # The highest point of a running total is always its last year: the size of the step tells the methods apart.
    (
        WRONG,
        "steepest_year = int(cumulative_sectors.idxmax())\nsteepest_rise = int(cumulative_sectors.max())",
        {"test_steepest_year": 0},
    ),
    (
        OK,
        'caps_with_dates = resolutions[["number", "adopted", "disputed_five"]].merge(caps, left_on="number", right_on="resolution")',
        {"test_caps_with_dates": 2},
    ),
    (
        WRONG,
        'caps_with_dates = caps.merge(resolutions, left_on="resolution", right_on="number", how="outer")',
        {"test_caps_with_dates": 0},
    ),
    # B.2 selects rows by period_start, so a join that drops caps' columns cannot be used there.
    (
        WRONG,
        'caps_with_dates = caps[["resolution", "item", "value"]].merge(\n'
        '    resolutions[["number", "adopted", "disputed_five"]], left_on="resolution", right_on="number")',
        {"test_caps_with_dates": 0},
    ),
    # A.2 filters since_march_2016 on its sectors: dropping columns in A.1 fails there, so A.1 says so.
    (
        WRONG,
        'since_march_2016 = resolutions.loc[resolutions["adopted"] >= "2016-03-01", ["number", "adopted", "trigger"]]',
        {"test_since_march_2016": 0},
    ),
    (
        WRONG,
        'economic_2016_2017 = since_march_2016.loc[since_march_2016["sectors"] != "designations", "number"]'
        ".tolist()[::-1]  # newest first",
        {"test_economic_2016_2017": 0},
    ),
    (
        OK,
        'yearly = caps[(caps["item"] == "refined petroleum imports") & (caps["period_start"] == "2018-01-01")]'
        '.sort_values("resolution")["value"]\nrefined_cut_pct = yearly.pct_change().iloc[-1] * 100',
        {"test_refined_cut_pct": 1},
    ),
    (WRONG, "refined_cut_pct = (2_000_000 - 500_000) / 500_000 * 100  # wrong base", {"test_refined_cut_pct": 0}),
    (
        OK,
        'kotra = trade[trade["series"] == "KOTRA"].pivot_table(index="year", columns="indicator", values="value")',
        {"test_kotra_wide": 2},
    ),
    (
        WRONG,
        'kotra = trade.pivot_table(index="year", columns="indicator", values="value")  # series mixed',
        {"test_kotra_wide": 0},
    ),
    # "first" (or "max") picks KOTRA's figure wherever two series overlap, so only the extra columns give it away.
    (
        WRONG,
        'kotra = trade.pivot_table(index="year", columns="indicator", values="value", aggfunc="first")',
        {"test_kotra_wide": 0},
    ),
    (
        WRONG,
        'kotra = trade[trade["series"] == "KOTRA"].pivot(index="year", columns="indicator")  # no values=',
        {"test_kotra_wide": 0},
    ),
    (
        WRONG,
        'kotra = trade[trade["series"] == "KOTRA"].pivot_table(index="year", columns="indicator", values="value")'
        ".reset_index()  # C.3 needs kotra.loc[2018, ...]",
        {"test_kotra_wide": 0},
    ),
    (
        WRONG,
        'kotra = trade[trade["series"] == "KOTRA"].pivot(index="year", columns="indicator", values="value")'
        ".sort_index(ascending=False)\n"
        'exports_change = kotra["exports"].pct_change() * 100  # C.2 followed literally',
        {"test_kotra_wide": 0, "test_exports_change": 0},
    ),
    (
        OK,
        'kotra = trade[trade["series"] == "KOTRA"].set_index(["year", "indicator"])["value"].unstack().iloc[:, ::-1]',
        {"test_kotra_wide": 2},
    ),
    (
        OK,
        'exports_change = (kotra["exports"] / kotra["exports"].shift() - 1).mul(100).dropna().round(1)',
        {"test_exports_change": 2},
    ),
    (WRONG, 'exports_change = kotra["exports"].pct_change()  # fractions', {"test_exports_change": 0}),
    (
        OK,
        'china_share_gain = float(kotra["China share of total"].loc[[2015, 2018]].diff().iloc[-1])',
        {"test_china_share_gain": 1},
    ),
    (
        WRONG,
        'china_share_gain = kotra.loc[2018, "China share of total"] / kotra.loc[2015, "China share of total"]',
        {"test_china_share_gain": 0},
    ),
    (
        OK,
        'exports_by_year = trade[(trade["series"] == "KOTRA") & (trade["indicator"] == "exports")].set_index("year")["value"]\n'
        "fig, exports_ax = plt.subplots()\nexports_ax.bar(exports_by_year.index, exports_by_year.values)",
        {"test_exports_by_year": 1, "test_exports_plot": 1},
    ),
    (
        WRONG,
        'exports_by_year = kotra["imports"]\nexports_ax = exports_by_year.plot(kind="bar")',
        {"test_exports_by_year": 0, "test_exports_plot": 0},
    ),
    (
        OK,
        "change = exports_by_year.diff()\n"
        "biggest_fall_year, biggest_fall_size = int(change.idxmin()), abs(round(change.min(), 2))",
        {"test_biggest_fall_year": 1},
    ),
    (WRONG, "biggest_fall_year = 2017", {"test_biggest_fall_year": 0}),
    # The lowest bar is 2018 too: the size of the fall tells the methods apart.
    (
        WRONG,
        "biggest_fall_year = int(exports_by_year.idxmin())\nbiggest_fall_size = float(exports_by_year.min())",
        {"test_biggest_fall_year": 0},
    ),
    (
        WRONG,
        "biggest_fall_year = 2018\nbiggest_fall_size = -86.3  # the fall in percent, not in US$ billion",
        {"test_biggest_fall_year": 0},
    ),
    # A form a beginner writes, which once passed in the kernel and scored 0 when decided outside it
    (
        OK,
        'economic_2016_2017 = since_march_2016.loc[since_march_2016["sectors"] != "designations", "number"].array',
        {"test_economic_2016_2017": 2},
    ),
    # A nullable growth series, <NA> first: accepted as NaN first is, as in every check of numbers by year
    (
        OK,
        'exports_change = kotra["exports"].astype("Float64").pct_change() * 100',
        {"test_exports_change": 2},
    ),
    # B.1 asks for all the columns of caps, not only those B.2 selects by
    (
        WRONG,
        'caps_with_dates = caps[["resolution", "item", "value", "unit", "period_start"]].merge(\n'
        '    resolutions[["number", "adopted", "disputed_five"]], left_on="resolution", right_on="number")',
        {"test_caps_with_dates": 0},
    ),
    (
        OK,
        'caps_with_dates = caps.merge(resolutions, left_on="resolution", right_on="number")'
        "  # whole tables: both sources kept, as source_x and source_y",
        {"test_caps_with_dates": 2},
    ),
    # Keys typed in, and rows picked by typed values: accepted by the checks on the real data, not computed from it
    (
        TYPED,
        'since_march_2016 = resolutions[resolutions["number"].isin([2270, 2321, 2356, 2371, 2375, 2397])]',
        {"test_since_march_2016": 0},
    ),
    (TYPED, "economic_2016_2017 = [2270, 2321, 2371, 2375, 2397]", {"test_economic_2016_2017": 0}),
    (
        TYPED,
        "new_sectors_by_year = pd.Series({2006: 5, 2009: 1, 2013: 1, 2016: 5, 2017: 10})",
        {"test_new_sectors_by_year": 0},
    ),
    (
        TYPED,
        "cumulative_sectors = pd.Series({2006: 5, 2009: 6, 2013: 7, 2016: 12, 2017: 22})\n"
        'sectors_ax = cumulative_sectors.plot(drawstyle="steps-post", marker="o")',
        {"test_cumulative_sectors": 0, "test_sectors_plot": 0},
    ),
    (TYPED, "refined_cut_pct = -75.0", {"test_refined_cut_pct": 0}),
    (
        TYPED,
        "exports_change = pd.Series({2015: float('nan'), 2016: 4.444, 2017: -37.234, 2018: -86.271, 2019: 15.226})",
        {"test_exports_change": 0},
    ),
    (TYPED, "china_share_gain = 95.8 - 91.3", {"test_china_share_gain": 0}),
    (
        TYPED,
        "exports_by_year = pd.Series({2015: 2.70, 2016: 2.82, 2017: 1.77, 2018: 0.243, 2019: 0.28})\n"
        'exports_ax = exports_by_year.plot(kind="bar", rot=0)',
        {"test_exports_by_year": 0, "test_exports_plot": 0},
    ),
    (TYPED, "biggest_fall_year, biggest_fall_size = 2018, 0.243 - 1.77", {"test_biggest_fall_year": 0}),
]
