from __future__ import annotations

from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import pytest

from partnerkit.policy import HealthMetric, Policy


def test_policy_is_frozen_and_replace_makes_a_copy():
    p = Policy()
    with pytest.raises(FrozenInstanceError):
        p.vital_threshold = 0.5  # type: ignore[misc]
    q = replace(p, vital_threshold=0.9)
    assert (p.vital_threshold, q.vital_threshold) == (0.8, 0.9)


def test_fingerprint_is_stable_and_sensitive():
    assert Policy().fingerprint() == Policy().fingerprint()
    assert Policy().fingerprint() != replace(Policy(), ramp_days=180).fingerprint()
    assert len(Policy().fingerprint()) == 16


def test_from_toml_reads_grouped_settings_and_health_model(tmp_path: Path):
    f = tmp_path / "policy.toml"
    f.write_text(
        """
        [pareto]
        vital_threshold = 0.9
        denominator = "positive"

        [portfolio]
        tier_ladder = ["gold", "silver"]

        [health.interest]
        sourced_pipeline = 2.0
        days_since_activity = -1.0
        """
    )
    p = Policy.from_toml(f)
    assert p.vital_threshold == 0.9
    assert p.denominator == "positive"
    assert p.tier_ladder == ("gold", "silver")
    assert len(p.health) == 1
    assert p.health[0].name == "interest"
    assert p.health[0].metrics == (
        HealthMetric("sourced_pipeline", 2.0, higher_is_better=True),
        HealthMetric("days_since_activity", 1.0, higher_is_better=False),
    )


def test_unknown_setting_suggests_the_closest_name():
    with pytest.raises(ValueError, match="did you mean 'vital_threshold'"):
        Policy.from_dict({"vital_treshold": 0.9})


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"vital_threshold": 1.5}, "vital_threshold"),
        ({"lookback_months": 0}, "lookback_months"),
        ({"tier_ladder": ["gold", "gold"]}, "tier_ladder"),
        ({"timing_cuts": [0.7, 0.3]}, "timing_cuts"),
        ({"denominator": "everyone"}, "denominator"),
        ({"stability_quarters": 0}, "stability_quarters"),
        ({"min_sample": 0}, "min_sample"),
        ({"bootstrap_samples": 0}, "bootstrap_samples"),
        ({"max_keep": -1}, "max_keep"),
        ({"incentive_min_retention": 1.5}, "incentive_min_retention"),
        ({"exit_max_health": 120}, "exit_max_health"),
        ({"fading_trend": -2}, "fading_trend"),
        ({"include_statuses": []}, "include_statuses"),
    ],
)
def test_out_of_range_settings_are_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        Policy.from_dict(settings)


def test_boundary_settings_are_accepted():
    # the edges of each range are valid: a cap of 0 keeps nobody, a ramp of 0 days
    # makes everyone mature, a fading trend of -1 flags only partners whose revenue vanished
    Policy.from_dict(
        {"max_keep": 0, "ramp_days": 0, "fading_trend": -1, "incentive_min_retention": 1}
    ).check()
