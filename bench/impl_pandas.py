"""The core scorecard and vital few written as an analyst would in pandas.

Same definitions as ``impl_polars`` (see its docstring and ``bench/README.md``):
``read_parquet`` with ``columns=``, boolean masks, ``groupby``, ``merge``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from impl_polars import (
    ACTIVE_DAYS,
    COUNTED_STATUSES,
    KINDS,
    LOOKBACK_MONTHS,
    MIN_REVENUE,
    MIN_SHARE,
    REFERRAL_KINDS,
    RESULT_COLUMNS,
    THRESHOLD,
    TOLERANCE,
)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        frame[c] = pd.to_datetime(frame[c])
    return frame


def core(paths: Mapping[str, str], *, threshold: float = THRESHOLD) -> pd.DataFrame:
    """Read the needed columns, aggregate per partner, rank and flag the vital few."""
    partners = pd.read_parquet(paths["partners"], columns=["partner_id", "status", "signed_on"])
    deals = pd.read_parquet(
        paths["deals"],
        columns=[
            "partner_id",
            "created_on",
            "closed_on",
            "outcome",
            "amount",
            "source",
        ],
    )
    acts = pd.read_parquet(
        paths["activities"], columns=["partner_id", "occurred_on", "kind", "initiated_by", "hours"]
    )
    _dates(partners, "signed_on")
    _dates(deals, "created_on", "closed_on")
    _dates(acts, "occurred_on")
    # an open deal's close date is an expected one: never a close, never an event (it is kept
    # apart: an open deal long past its expected close is no sign of life)
    deals["expected_on"] = deals["closed_on"]
    deals["closed_on"] = deals["closed_on"].where(deals["outcome"] != "open")

    # as_of: the latest actual event (deal created, won or lost; activity)
    as_of = max(deals["created_on"].max(), deals["closed_on"].max(), acts["occurred_on"].max())
    start = as_of - pd.DateOffset(months=LOOKBACK_MONTHS)
    mid = start + pd.Timedelta(days=(as_of - start).days // 2)

    # deals: one mask per measure, then one groupby
    deals = deals[deals["partner_id"].notna() & (deals["created_on"] <= as_of)]
    closed_w = (deals["closed_on"] > start) & (deals["closed_on"] <= as_of)
    created_w = (deals["created_on"] > start) & (deals["created_on"] <= as_of)
    won = closed_w & (deals["outcome"] == "won")
    lost = closed_w & (deals["outcome"] == "lost")
    recent = won & (deals["closed_on"] > mid)
    still_open = (deals["outcome"] == "open") | ~(deals["closed_on"] <= as_of)
    matters = closed_w | created_w
    matters |= still_open | (deals["created_on"] > as_of - pd.Timedelta(days=ACTIVE_DAYS))
    amount = deals["amount"]
    per_deal = pd.DataFrame(
        {
            "partner_id": deals["partner_id"],
            "won_revenue": amount.where(won, 0.0),
            "won_deals": won.astype("int64"),
            "lost_deals": lost.astype("int64"),
            "deals_created": created_w.astype("int64"),
            "sourced_pipeline": amount.where(created_w & (deals["source"] == "partner"), 0.0),
            "r_recent": amount.where(recent, 0.0),
            "r_prior": amount.where(won & ~recent, 0.0),
            "open_deals": still_open.astype("int64"),
        }
    )[matters]
    d = per_deal.groupby("partner_id").sum()
    d["last_deal_on"] = deals[matters].groupby("partner_id")["created_on"].max()
    d["last_won_on"] = deals.loc[won, "closed_on"].groupby(deals.loc[won, "partner_id"]).max()
    # the latest expected close of the deals open at as_of (its creation for one without)
    expected = deals["expected_on"].fillna(deals["created_on"]).where(still_open)
    d["open_until"] = expected[matters].groupby(deals.loc[matters, "partner_id"]).max()
    money = ["won_revenue", "sourced_pipeline", "r_recent", "r_prior"]
    d[money] = d[money].round(2)

    # activities: last date, referrals by initiator, hours per kind
    acts = acts[acts["occurred_on"] <= as_of]
    last = acts.groupby("partner_id")["occurred_on"].max().rename("last_activity")
    by_partner = acts[acts["initiated_by"] == "partner"]
    last_them = (
        by_partner.groupby("partner_id")["occurred_on"].max().rename("last_partner_activity")
    )
    in_w = acts[acts["occurred_on"] > start]
    n_acts = in_w.groupby("partner_id").size().rename("activities")
    refs = (
        in_w[in_w["kind"].isin(REFERRAL_KINDS)]
        .groupby(["partner_id", "initiated_by"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=["us", "partner"], fill_value=0)
        .rename(columns={"us": "referrals_given", "partner": "referrals_received"})
    )
    hours = (
        in_w.groupby(["partner_id", "kind"])["hours"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=list(KINDS), fill_value=0.0)
        .add_prefix("hours_")
    )

    out = (
        partners[["partner_id", "status", "signed_on"]]
        .merge(d, on="partner_id", how="left")
        .merge(last, on="partner_id", how="left")
        .merge(last_them, on="partner_id", how="left")
        .merge(n_acts, on="partner_id", how="left")
        .merge(refs, on="partner_id", how="left")
        .merge(hours, on="partner_id", how="left")
    )
    zero = [
        "won_revenue",
        "won_deals",
        "lost_deals",
        "deals_created",
        "activities",
        "open_deals",
        "sourced_pipeline",
        "r_recent",
        "r_prior",
        "referrals_given",
        "referrals_received",
        *(f"hours_{k}" for k in KINDS),
    ]
    out[zero] = out[zero].fillna(0)
    for c in (
        "won_deals",
        "lost_deals",
        "deals_created",
        "activities",
        "referrals_given",
        "referrals_received",
    ):
        out[c] = out[c].astype("int64")
    closed = out["won_deals"] + out["lost_deals"]
    out["win_rate"] = (out["won_deals"] / closed).where(closed > 0)
    both = out["r_recent"] + out["r_prior"]
    out["revenue_trend"] = ((out["r_recent"] - out["r_prior"]) / both).where(both > 0)
    out["days_since_activity"] = (as_of - out["last_activity"]).dt.days.astype("Int64")

    # Pareto over the partners in the denominator, in whole cents
    counted = out["status"].isin(COUNTED_STATUSES) & (
        out["signed_on"].isna() | (out["signed_on"] <= as_of)
    )
    revenue = out["won_revenue"]
    total_counted = revenue[counted].sum()
    material = (revenue > 0) & (revenue >= MIN_REVENUE) & (revenue >= total_counted * MIN_SHARE)
    since = as_of - pd.Timedelta(days=ACTIVE_DAYS)
    signal = (
        (out["last_deal_on"] > since)
        | (out["last_partner_activity"] > since)
        | (out["open_until"] > since)
        | (out["last_won_on"] > since)
    )
    dormant = ~material & ~signal
    out["inside"] = counted & ~dormant
    out["u"] = (out["won_revenue"] * 100).round().astype("int64")
    out = out.sort_values(["inside", "u", "partner_id"], ascending=[False, False, True])
    inside = out["inside"]
    u = out["u"].where(inside, 0)
    total = u.sum()
    cum = u.cumsum()
    out["rank"] = inside.cumsum().where(inside).astype("Int64")
    out["cum_share"] = (cum / total).where(inside & (total > 0), np.nan)
    before = (cum - out["u"]).groupby([inside, out["u"]]).transform("min")  # a tie decides as one
    out["vital"] = inside & (total > 0) & (before < threshold * total * (1 - TOLERANCE))
    return out[list(RESULT_COLUMNS)].sort_values("partner_id").reset_index(drop=True)
