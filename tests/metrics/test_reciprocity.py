import polars as pl
import pytest

from partnerkit.metrics.reciprocity import reciprocity


def test_reciprocity_and_effort_hand_example():
    f = pl.LazyFrame(
        {
            "referrals_given": [0, 3, 2, 0, None],
            "referrals_received": [4, 1, 2, 0, None],
            "our_hours": [10.0, 75.0, 70.0, 0.0, None],
            "partner_hours": [30.0, 25.0, 30.0, 0.0, None],
        }
    )
    out = reciprocity(f, one_sided_share=0.7).collect()
    # (R - G) / (R + G): (4-0)/4, (1-3)/4, 0/4, none, unknown
    assert out["reciprocity"].to_list() == [1.0, -0.5, 0.0, None, None]
    # our share: 10/40, 75/100, 70/100, no hours, unknown
    assert out["our_effort_share"].to_list()[:3] == pytest.approx([0.25, 0.75, 0.7])
    assert out["our_effort_share"].to_list()[3:] == [None, None]
    # one-sided strictly above 0.7
    assert out["one_sided"].to_list() == [False, True, False, None, None]
