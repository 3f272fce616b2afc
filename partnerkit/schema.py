"""The canonical tables of a partner portfolio, as code.

Every other module, the validator and the docs read table and column names from here, so a
name is spelt once. A :class:`Table` lists its :class:`Column` contracts: dtype, whether the
column must be present, whether it may hold nulls, the values it allows, uniqueness, and
which other table's key it points at.

Examples
--------
>>> TABLES["deals"].column("outcome").allowed
('open', 'won', 'lost')
>>> [t.name for t in TABLES.values() if t.required]
['partners', 'deals']
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

__all__ = [
    "ACTIVITY_KINDS",
    "FACT_SCHEMAS",
    "INVESTMENT_CATEGORIES",
    "OUTCOMES",
    "OVERLAP_STATUSES",
    "SOURCES",
    "STATUSES",
    "TABLES",
    "TABLE_ORDER",
    "TIMING_BUCKETS",
    "Column",
    "Table",
    "empty_frame",
    "schema_of",
]

OUTCOMES = ("open", "won", "lost")
SOURCES = ("partner", "vendor")
STATUSES = ("active", "prospect", "exited")
ACTIVITY_KINDS = (
    "enablement",
    "training",
    "certification",
    "qbr",
    "joint_marketing",
    "cosell",
    "exec_meeting",
    "referral",
    "intro",
    "other",
)
INITIATORS = ("us", "partner")
INVESTMENT_CATEGORIES = ("people", "product", "promotion", "programs", "mdf", "incentive")
OVERLAP_STATUSES = ("customer", "prospect", "none")
TIMING_BUCKETS = ("early", "mid", "late")
"""Names of the engagement-timing buckets of partner deals, in cycle order."""


@dataclass(frozen=True)
class Column:
    """The contract of one column of a canonical table.

    ``required`` columns must be present in the source; optional ones are added as nulls
    (or ``default``) when absent, and the portfolio remembers that they were not supplied.
    """

    name: str
    dtype: pl.DataType
    required: bool = False
    nullable: bool = True
    allowed: tuple[str, ...] | None = None
    unique: bool = False
    non_negative: bool = False
    references: str | None = None
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Table:
    """The contract of one canonical table: its columns, in canonical order."""

    name: str
    columns: tuple[Column, ...]
    required: bool
    description: str
    date_columns: tuple[str, ...] = field(default=())
    event_dates: tuple[str, ...] = field(default=())
    """Date columns that record something that happened; the default ``as_of`` is their
    maximum (planned dates such as an investment's end are left out)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        """Names of the columns a source must supply."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        """Return the contract of column ``name`` (``KeyError`` if it is not canonical)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def schema(self) -> pl.Schema:
        """The polars schema of the canonical table."""
        return pl.Schema({c.name: c.dtype for c in self.columns})


_S, _D, _F = pl.String(), pl.Date(), pl.Float64()

PARTNERS = Table(
    "partners",
    (
        Column(
            "partner_id",
            _S,
            required=True,
            nullable=False,
            unique=True,
            description="Unique partner key.",
        ),
        Column("name", _S, required=True, nullable=False, description="Partner name."),
        Column("type", _S, description="reseller, referral, technology, services, …"),
        Column("tier", _S, description="Assigned tier, one of the policy's tier ladder."),
        Column("region", _S, description="Sales region."),
        Column("category", _S, description="Solution category; used to find conflicts."),
        Column("signed_on", _D, description="Date the partnership was signed."),
        Column(
            "status",
            _S,
            nullable=False,
            allowed=STATUSES,
            default="active",
            description="active, prospect or exited (default active).",
        ),
        Column("executive_sponsor", _S, description="Our executive sponsor, if any."),
    ),
    required=True,
    description="One row per partner.",
    date_columns=("signed_on",),
    event_dates=("signed_on",),
)

DEALS = Table(
    "deals",
    (
        Column(
            "deal_id",
            _S,
            required=True,
            nullable=False,
            unique=True,
            description="Unique opportunity key.",
        ),
        Column(
            "partner_id",
            _S,
            required=True,
            references="partners.partner_id",
            description="Partner on the deal; null for a direct deal.",
        ),
        Column("account_id", _S, description="Customer account."),
        Column(
            "created_on",
            _D,
            required=True,
            nullable=False,
            description="Date the opportunity was created.",
        ),
        Column(
            "closed_on",
            _D,
            required=True,
            description="Close date of a won or lost deal; on an open deal the expected close "
            "date (or null), never read as a close.",
        ),
        Column(
            "outcome",
            _S,
            required=True,
            nullable=False,
            allowed=OUTCOMES,
            description="open, won or lost.",
        ),
        Column(
            "amount",
            _F,
            required=True,
            nullable=False,
            non_negative=True,
            description="Deal amount, one currency per portfolio.",
        ),
        Column(
            "source",
            _S,
            allowed=SOURCES,
            description="Who originated it: partner (sourced) or vendor (influenced).",
        ),
        Column("partner_engaged_on", _D, description="Date the partner was attached."),
        Column("currency", _S, description="ISO currency code; must be one per portfolio."),
    ),
    required=True,
    description="One row per opportunity.",
    date_columns=("created_on", "closed_on", "partner_engaged_on"),
    event_dates=("created_on", "closed_on", "partner_engaged_on"),
)

ACTIVITIES = Table(
    "activities",
    (
        Column(
            "partner_id",
            _S,
            required=True,
            nullable=False,
            references="partners.partner_id",
            description="Partner engaged.",
        ),
        Column("occurred_on", _D, required=True, nullable=False, description="Date."),
        Column(
            "kind",
            _S,
            required=True,
            nullable=False,
            allowed=ACTIVITY_KINDS,
            description="Kind of engagement.",
        ),
        Column("initiated_by", _S, allowed=INITIATORS, description="us or partner."),
        Column("hours", _F, non_negative=True, description="Hours spent, if known."),
    ),
    required=False,
    description="Engagement log.",
    date_columns=("occurred_on",),
    event_dates=("occurred_on",),
)

INVESTMENTS = Table(
    "investments",
    (
        Column(
            "partner_id",
            _S,
            required=True,
            nullable=False,
            references="partners.partner_id",
            description="Partner invested in.",
        ),
        Column(
            "category",
            _S,
            required=True,
            nullable=False,
            allowed=INVESTMENT_CATEGORIES,
            description="What the money went to.",
        ),
        Column("starts_on", _D, required=True, nullable=False, description="Start date."),
        Column("ends_on", _D, description="End date; null when ongoing."),
        Column(
            "amount",
            _F,
            required=True,
            nullable=False,
            non_negative=True,
            description="Amount spent over the span.",
        ),
    ),
    required=False,
    description="What we spend on each partner.",
    date_columns=("starts_on", "ends_on"),
    event_dates=("starts_on",),
)

OVERLAPS = Table(
    "overlaps",
    (
        Column(
            "partner_id",
            _S,
            required=True,
            nullable=False,
            references="partners.partner_id",
            description="Partner mapped.",
        ),
        Column("account_id", _S, required=True, nullable=False, description="Shared account."),
        Column(
            "our_status",
            _S,
            required=True,
            nullable=False,
            allowed=OVERLAP_STATUSES,
            description="customer, prospect or none for us.",
        ),
        Column(
            "partner_status",
            _S,
            required=True,
            nullable=False,
            allowed=OVERLAP_STATUSES,
            description="customer, prospect or none for them.",
        ),
    ),
    required=False,
    description="Account mapping between us and each partner.",
)

TABLES: dict[str, Table] = {t.name: t for t in (PARTNERS, DEALS, ACTIVITIES, INVESTMENTS, OVERLAPS)}
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)


def schema_of(table: str) -> pl.Schema:
    """Return the canonical polars schema of ``table``.

    >>> schema_of("overlaps").names()
    ['partner_id', 'account_id', 'our_status', 'partner_status']
    """
    return TABLES[table].schema


def empty_frame(table: str) -> pl.LazyFrame:
    """Return an empty LazyFrame with the canonical schema of ``table``.

    >>> empty_frame("activities").collect().shape
    (0, 5)
    """
    return pl.LazyFrame(schema=schema_of(table))


_I, _B = pl.Int64(), pl.Boolean()


def _fact(**columns: pl.DataType) -> pl.Schema:
    return pl.Schema(columns)


FACT_SCHEMAS: dict[str, pl.Schema] = {
    "partners": PARTNERS.schema,
    "deals": _fact(
        partner_id=_S,
        won_revenue=_F,
        won_deals=_I,
        lost_deals=_I,
        sourced_revenue=_F,
        influenced_revenue=_F,
        open_pipeline=_F,
        open_deals=_I,
        open_past_expected=_I,
        open_until=_D,
        sourced_pipeline=_F,
        pipeline_created=_F,
        deals_created=_I,
        first_win_on=_D,
        last_win_on=_D,
        last_deal_on=_D,
        first_deal_on=_D,
        revenue_prior=_F,
        revenue_recent=_F,
        revenue_before=_F,
        **{f"{b}_{n}": _I for b in TIMING_BUCKETS for n in ("closed", "won")},
        avg_days_to_close=_F,
        sd_days_to_close=_F,
        sd_won_amount=_F,
    ),
    "deal_quarters": _fact(partner_id=_S, quarter=_D, won_revenue=_F, won_deals=_I, lost_deals=_I),
    "activity_quarters": _fact(partner_id=_S, quarter=_D, activities=_I),
    "accounts": _fact(
        partner_id=_S, account_id=_S, deals=_I, open_amount=_F, active_from=_D, active_to=_D
    ),
    "activities": _fact(
        partner_id=_S,
        activities=_I,
        partner_initiated=_I,
        initiated_known=_I,
        enablement_activities=_I,
        joint_marketing_activities=_I,
        cosell_activities=_I,
        activity_breadth=_I,
        referrals_given=_I,
        referrals_received=_I,
        our_hours=_F,
        partner_hours=_F,
        **{f"hours_{kind}": _F for kind in ACTIVITY_KINDS},
        last_activity_on=_D,
        last_qbr_on=_D,
        last_partner_activity_on=_D,
    ),
    "investments": _fact(partner_id=_S, investment=_F, program_investment=_F),
    "overlaps": _fact(
        partner_id=_S,
        overlap_accounts=_I,
        cosell_potential=_I,
        help_potential=_I,
        realized_overlap=_I,
        untapped_overlap=_I,
        overlap_open_pipeline=_F,
    ),
    "mapped": _fact(partner_id=_S, account_id=_S),
    "incentives": _fact(
        partner_id=_S,
        category=_S,
        starts_on=_D,
        ends_on=_D,
        amount=_F,
        days=_I,
        days_before=_I,
        days_after=_I,
        deals_before=_I,
        deals_during=_I,
        deals_after=_I,
        rate_before=_F,
        rate_during=_F,
        rate_after=_F,
        lift=_F,
        retention=_F,
        measurable=_B,
        ephemeral=_B,
        durability=_S,
    ),
    "lift_samples": _fact(partner_id=_S, amount=_F, days=_I),
}
"""The stage-1 fact tables (:mod:`partnerkit.facts`) and their schemas, in column order.

``partners`` is the canonical partners table passed through; ``deals`` has one row per
partner (the null ``partner_id`` row is direct deals); ``deal_quarters`` is LONG: one row per
partner and tracked quarter that closed a deal (won revenue, won and lost deals);
``activity_quarters`` is LONG too: activities per partner and tracked quarter; ``accounts``
one row per partner and account with a deal live in W; ``activities``, ``investments`` and
``overlaps`` one row per partner;
``mapped`` the distinct pairs of the account mapping; ``incentives`` one row per incentive;
``lift_samples`` the won deals of the groups small enough to bootstrap.

>>> FACT_SCHEMAS["deal_quarters"].names()
['partner_id', 'quarter', 'won_revenue', 'won_deals', 'lost_deals']
"""
