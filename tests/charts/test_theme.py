from __future__ import annotations

import subprocess
import sys

import altair as alt
import polars as pl
import pytest

from partnerkit.charts import theme


@pytest.mark.slow
def test_importing_the_charts_enables_no_theme():
    code = (
        "import altair as alt, partnerkit.charts, partnerkit.report;"
        "print(alt.theme.active, 'partnerkit' in alt.theme.names())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["default", "False"]


def test_enabled_is_scoped_and_enable_is_explicit():
    before = alt.theme.active
    chart = alt.Chart(pl.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    with theme.enabled():
        assert alt.theme.active == theme.THEME_NAME
        config = chart.to_dict()["config"]
        assert config["background"] == "white"
        assert config["font"] == theme.FONT
    assert alt.theme.active == before
    assert "font" not in chart.to_dict().get("config", {})
    try:
        theme.enable()
        assert alt.theme.active == theme.THEME_NAME
    finally:
        alt.theme.enable(before)


def test_fixed_colours():
    assert list(theme.RECOMMENDATION_COLORS)[:4] == list(theme.RECOMMENDATIONS)
    assert len(set(theme.RECOMMENDATION_COLORS.values())) == len(theme.RECOMMENDATION_COLORS)
    scale = theme.recommendation_scale(["keep", None, "unrated"]).to_dict()
    assert scale["domain"] == ["keep", "invest", "watch", "exit", "unrated"]
    assert scale["range"] == [theme.RECOMMENDATION_COLORS[d] for d in scale["domain"]]
    assert theme.vital_scale().to_dict()["range"] == list(theme.VITAL_COLORS.values())
