"""CRM presets: read Salesforce, HubSpot and Crossbeam-style exports as they come.

A :class:`Preset` knows the file names, column names and value labels of one CRM's
exports, plus a ``prepare`` step for what a rename cannot do (derive the outcome from
won/closed flags, attach the primary partner of each opportunity, turn overlap
populations into statuses). Pass ``preset="salesforce"`` (or several:
``preset=["salesforce", "crossbeam"]``) to :func:`partnerkit.load.read.read_portfolio`.
Your own ``mapping`` and ``values`` are applied on top and win over the preset's. The
registry is :data:`PRESETS`.

With any preset, a ``partner_id`` given as a partner **name** (report exports show names,
not ids) is understood: a value that matches no partner id but exactly one partner name
(case-insensitively) is read as that partner's id, and the load report says how many.

``salesforce``
    Inputs (a folder, or a mapping of input name to path/frame):

    - ``deals``: an Opportunity export, file ``Opportunity.csv`` / ``opportunities.csv``.
      API names (Data Loader, Bulk API): ``Id, AccountId, StageName, Amount, CloseDate,
      CreatedDate, IsClosed, IsWon, CurrencyIsoCode``; or report labels: ``Opportunity
      ID, Account ID`` (or ``Account Name``), ``Stage, Amount, Close Date, Created Date,
      Opportunity Currency``; a report without ``Opportunity ID`` is keyed by
      ``Opportunity Name`` (a repeated name is then reported as a duplicate). The outcome
      comes from ``IsWon``/``IsClosed`` (``Won``, ``Closed``) when present, else from the
      stage: ``Closed Won`` -> won, ``Closed Lost`` -> lost, any other stage -> open.
      ``IsClosed`` without ``IsWon`` says only that a deal is closed: the stage says won
      or lost, and a closed deal whose stage says neither breaks ``not_allowed`` (never
      taken for lost). The partner comes from a custom field ``Partner__c``, ``Partner
      Account ID``, ``PartnerAccountId`` or ``Partner Account`` (a name), unless an
      OpportunityPartner input names a primary partner; where ``Partner__c`` is blank,
      ``PartnerAccountId`` is read (both counted in notes, with the rows where the two
      name different partners).
    - ``partners``: a partner Account export, file ``Account.csv`` / ``accounts.csv`` /
      ``partner_accounts.csv``: ``Id`` (``Account ID``; a report without it keys each
      partner by its name, see :func:`keyed_by_name`), ``Name`` (``Account Name``),
      optional ``Type``, ``Partner_Tier__c`` (``Partner Tier``), ``Region__c``,
      ``Partner_Since__c``, ``Executive_Sponsor__c``. Account types ``Channel Partner /
      Reseller``, ``Technology Partner``, ``Installation Partner``, ``System
      Integrator``, ``Referral Partner`` and ``Distributor`` read as reseller,
      technology, services, services, referral and distributor.
    - ``opportunity_partners`` (optional): an OpportunityPartner export, file
      ``OpportunityPartner.csv``: ``OpportunityId, AccountToId, IsPrimary, IsDeleted``,
      optionally ``CreatedDate`` and ``Role``. Deleted rows are ignored. By default
      (credit ``primary``) the row with ``IsPrimary`` true gives each opportunity its
      partner (the first primary row wins) and its ``CreatedDate`` is the deal's
      ``partner_engaged_on``; with credit ``split`` or ``full`` every live partner row
      is credited (see :func:`credit_partners`). The roles are counted in the report, so
      are live rows naming no opportunity of the deals, and deals whose primary row is
      deleted with only non-primary rows left (the default credits none of those).
    - An Account export holding customers too keeps only the partner accounts (see
      :func:`partner_accounts`); so does a HubSpot companies export.

    Report exports' footer rows (``Grand Totals``, ``Confidential Information``,
    copyright) are dropped and listed in the load report. Ids of both lengths (15 or 18
    characters) name one record (:func:`same_record_ids`): a partner or an opportunity
    referenced in the other length is read as that one, and a record a table holds under
    both is one record (a repeat is a ``duplicate``).

``hubspot``
    - ``deals``: the deals export (``hubspot-crm-exports-all-deals-*.csv``):
      ``Record ID, Deal Stage, Amount, Close Date, Create Date`` and optionally
      ``Associated Partner Client IDs`` and/or ``Associated Partner Client`` (names, used
      where the ids are empty), ``Associated Company IDs`` and/or ``Associated Company``,
      ``Is Closed Won``, ``Is closed lost``, ``Currency``. Outcome: ``Is Closed Won`` /
      ``Is closed lost`` when present, else the stage (``Closed Won`` / ``Closed Lost``
      and the default pipeline's internal ``closedwon`` / ``closedlost``, any other ->
      open).
      Associations listing several values (``a;b``) credit the first, with a note, unless
      the credit policy is ``split`` or ``full``. Without a ``Currency`` column,
      ``Amount in company currency`` is the amount when exported (each deal's ``Amount``
      may be in its own currency; see :func:`_company_currency_amounts`); to use it beside
      ``Currency``, map it to ``amount`` and map ``Currency`` to ``""``.
    - ``partners``: a companies export (``hubspot-crm-exports-all-companies-*.csv`` or
      ``companies.csv``): ``Record ID, Company name``, optional ``Type``, ``Partner
      Tier``, ``Region``, ``Lifecycle Stage`` (read when ``Type`` is blank, see
      :func:`partner_accounts`).

``crossbeam``
    - ``overlaps``: an account-mapping export (file ``overlaps.csv``, ``crossbeam*.csv``
      or ``account_mapping*.csv``): ``Partner`` (partner name or id), ``Record ID`` (or
      ``Record``: the account), ``Our Populations``, ``Partner Populations``. A
      population list (``Customers, Open Opportunities``; ``()`` when empty) gives the
      status: any population whose name contains "customer" -> customer; else one
      containing "prospect", "opportunit" or "pipeline" -> prospect; else none (rows
      listing populations that match neither are counted in a note).
    Combine it with a CRM preset: ``preset=["salesforce", "crossbeam"]``.

Examples
--------
>>> sorted(PRESETS)
['crossbeam', 'hubspot', 'salesforce']
>>> PRESETS["salesforce"].columns["deals"]["closed_on"]
('CloseDate', 'Close Date')
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import polars as pl

from partnerkit.load.checks import ROW, Check, raw
from partnerkit.load.contract import DEALS, OUTCOME, PARTNER_ID
from partnerkit.load.mapping import CREDITS, Input, ValueMap
from partnerkit.load.problems import Problem, did_you_mean, fix_hint
from partnerkit.load.text import clean_text, key_of, label_key, parse_flags, parse_numbers
from partnerkit.schema import OUTCOMES, OVERLAP_STATUSES, TABLES

__all__ = [
    "CUSTOMER_TYPE_WORDS",
    "NOT_PARTNER_LIFECYCLE_STAGES",
    "PARTNER_TYPE_WORDS",
    "PRESETS",
    "SILENT_TYPES",
    "Preset",
    "credit_partners",
    "keyed_by_name",
    "partner_accounts",
    "resolve_partner_names",
    "resolve_presets",
    "same_record_ids",
]

Prepare = Callable[[dict[str, Input]], dict[str, Input]]

PARTNERS, OVERLAPS = TABLES["partners"].name, TABLES["overlaps"].name
NAME = TABLES[PARTNERS].column("name").name
DEAL_ID = TABLES[DEALS].column("deal_id").name
ACCOUNT_ID = TABLES[DEALS].column("account_id").name
OUR_STATUS = TABLES[OVERLAPS].column("our_status").name
PARTNER_STATUS = TABLES[OVERLAPS].column("partner_status").name
OPEN, WON, LOST = OUTCOMES
CUSTOMER, PROSPECT, NONE = OVERLAP_STATUSES

# Helper targets read by prepare steps (not canonical columns).
IS_WON, IS_CLOSED, IS_LOST = "is_won", "is_closed", "is_lost"
IS_PRIMARY, IS_DELETED, OPPORTUNITY_ID = "is_primary", "is_deleted", "opportunity_id"
PARTNER_NAME, ACCOUNT_NAME = "partner_name", "account_name"
IS_PARTNER = "is_partner"
PARTNER_ACCOUNT = "partner_account_id"
LIFECYCLE = "lifecycle_stage"
COMPANY_AMOUNT, CURRENCY = "amount_in_company_currency", TABLES[DEALS].column("currency").name
ENGAGED_ON = TABLES[DEALS].column("partner_engaged_on").name
ROLE, AMOUNT = "role", TABLES[DEALS].column("amount").name
OPPORTUNITY_PARTNERS = "opportunity_partners"


@dataclass(frozen=True)
class Preset:
    """How to read one CRM's exports.

    ``files``: input name -> file-name patterns (lower snake case, no suffix, ``fnmatch``
    wildcards). ``columns``: input name -> target -> source column names, first present
    wins (targets are canonical columns or helper names read by ``prepare``).
    ``values``: value labels, as in :mod:`partnerkit.load.mapping`. ``inputs``: extra
    inputs besides the canonical tables. ``prepare``: a step over all mapped inputs.
    """

    name: str
    summary: str
    files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    values: ValueMap = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    prepare: Prepare | None = None


def _update(inp: Input, **changes: object) -> Input:
    return dataclasses.replace(inp, **changes)  # type: ignore[arg-type]


def _text(column: str) -> pl.Expr:
    return clean_text(pl.col(column).cast(pl.String))


def _flags(inp: Input, targets: Sequence[str], *, scope: str = "row") -> Input:
    """Parse flag targets into ``__flag_<target>`` columns, checking each value."""
    exprs: list[pl.Expr] = []
    checks: list[Check] = []
    for t in targets:
        if t not in inp.present:
            continue
        source = inp.plan.source_of(t)
        exprs += [
            parse_flags(pl.col(t).cast(pl.String)).alias(f"__flag_{t}"),
            pl.col(t).cast(pl.String).alias(f"__text_{t}"),
        ]
        checks.append(
            Check(
                source,
                "bad_flag",
                pl.col(f"__flag_{t}").is_null(),
                pl.col(f"__text_{t}"),
                f"{source} must be a flag (1/0, true/false or empty)",
                scope="row" if scope == "row" else "table",
            )
        )
    return _update(inp, frame=inp.frame.with_columns(exprs), checks=(*inp.checks, *checks))


def _outcome_from_flags(inp: Input, *, won: str, closed: str | None, lost: str | None) -> Input:
    """Derive the outcome from won/closed (Salesforce) or won/lost (HubSpot) flags.

    A closed flag without a won flag says only that a deal is closed: the stage then
    decides won or lost (see :func:`_outcome_from_stage`).
    """
    flag_targets = [t for t in (won, closed, lost) if t is not None and t in inp.present]
    if not flag_targets:
        return inp
    inp = _flags(inp, flag_targets)
    if closed is not None and closed in inp.present and won not in inp.present:
        return _outcome_from_stage(inp, closed=closed, won=won)

    def flag(t: str | None) -> pl.Expr | None:
        return pl.col(f"__flag_{t}") if t is not None and t in inp.present else None

    f_won, f_closed, f_lost = flag(won), flag(closed), flag(lost)
    branches: list[tuple[pl.Expr, str]] = []
    if f_won is not None:
        branches.append((f_won, WON))
    if f_lost is not None:
        branches.append((f_lost, LOST))
    if f_closed is not None:
        branches.append((f_closed, LOST))
    pair = [f for f in (f_won, f_closed if f_closed is not None else f_lost) if f is not None]
    if len(pair) == 2:
        both = pair[0].is_not_null() & pair[1].is_not_null()
        if OUTCOME in inp.present:  # every flag cell blank: the stage says it, not "open"
            written = [
                pl.col(f"__text_{t}").str.strip_chars().str.len_chars().fill_null(0) > 0
                for t in flag_targets
            ]
            both = both & pl.any_horizontal(written)
        branches.append((both, OPEN))
    derived: pl.Expr = pl.lit(None, pl.String)
    for condition, value in reversed(branches):  # first branch that holds wins
        derived = pl.when(condition).then(pl.lit(value)).otherwise(derived)
    stage = _text(OUTCOME) if OUTCOME in inp.present else pl.lit(None, pl.String)
    frame = inp.frame.with_columns(pl.coalesce(derived, stage).alias(OUTCOME))
    present = tuple(dict.fromkeys((*inp.present, OUTCOME)))
    return _update(inp, frame=frame, present=present)


def _outcome_from_stage(inp: Input, *, closed: str, won: str) -> Input:
    """Read a closed deal's outcome from its stage when the export has no won flag.

    Requires: ``closed`` parsed by :func:`_flags`. The stage, read through the value
    map, says won or lost; a deal the closed flag calls closed whose stage reads neither
    (``Negotiation/Review``, a custom closed stage the map does not know) breaks
    ``not_allowed`` on ``outcome``, with the fix: export the won flag, or map the stage.
    It is never taken for lost. A note says where the outcome came from.
    """
    if OUTCOME not in inp.present:  # no stage either: outcome is a missing column
        return inp
    flag, stage = inp.plan.source_of(closed), inp.plan.source_of(OUTCOME)
    flags = ", or ".join(SALESFORCE.columns[DEALS][won]) if inp.name == DEALS else won
    label = "Your stage"
    fixes = [
        fix_hint("map_value", style=style, table=inp.name, column=OUTCOME, value=WON, label=label)
        for style in ("cli", "python")
    ]
    check = Check(
        OUTCOME,
        "not_allowed",
        pl.col(f"__flag_{closed}") & ~pl.col(OUTCOME).is_in([WON, LOST]).fill_null(value=False),
        pl.col(raw(OUTCOME)),
        f"{flag} is true but {stage} says neither won nor lost, and the export has no won "
        f"flag ({flags} in a report): whether the deal was won or lost is unknown, and it "
        f"is not taken for lost; add the won flag to the export, or say which stages are "
        f"won or lost: {fixes[0]} ({fixes[1]} in Python)",
    )
    note = (
        f"outcome: {flag} without a won flag ({flags} in a report) says only that a deal "
        f"is closed; whether a closed deal was won or lost is read from {stage}"
    )
    return _update(inp, checks=(*inp.checks, check), notes=(*inp.notes, note))


def _first_of_list(inp: Input, targets: Sequence[str], what: str) -> Input:
    """Keep the first of several ``;``-joined values, with a note-level check."""
    frame, notices = inp.frame, list(inp.notices)
    for t in targets:
        if t not in inp.present:
            continue
        text = _text(t)
        frame = frame.with_columns(
            pl.col(t).cast(pl.String).alias(f"__list_{t}"),
            text.str.split(";").list.first().str.strip_chars().alias(t),
        )
        notices.append(
            Check(
                inp.plan.source_of(t),
                "several_values",
                pl.col(f"__list_{t}").str.contains(";", literal=True),
                pl.col(f"__list_{t}"),
                f"lists several {what}; the first is used",
                scope="note",
            )
        )
    return _update(inp, frame=frame, notices=tuple(notices))


_ORPHANED = "primary_partner_deleted"
"""The note rule of deals whose primary OpportunityPartner row is deleted (see
:func:`_orphaned_note`)."""


def _orphaned_note(credit: str) -> str:
    """Word the note on a deal whose primary partner row is deleted, per credit policy."""
    head = (
        "the primary OpportunityPartner row of the deal is deleted and only non-primary "
        "partner rows remain"
    )
    if credit == "primary":
        return (
            f"{head}: they are not credited (the default credit goes to the primary partner "
            "only) and the deal keeps its own partner field, if any; check its partners in "
            'Salesforce, or credit every partner of a deal (credit = "split" in a --mapping '
            "file, shape=Shape(credit='split') in Python)"
        )
    return f"{head}: credit {credit} credits those non-primary partners alone"


@dataclass(frozen=True)
class _Chosen:
    """What an OpportunityPartner input gives the deals (see :func:`_primary_partners`)."""

    primary: pl.LazyFrame
    """One row per opportunity with a live primary row: ``__op_deal, __op_partner`` (and
    ``__op_engaged`` when the export has ``CreatedDate``)."""
    orphaned: pl.LazyFrame | None
    """The opportunities (``__op_deal``) whose primary row is deleted and only non-primary
    live rows remain; None when the export has no ``IsPrimary`` or ``IsDeleted``."""


def _primary_partners(op: Input, deals: Input | None = None) -> tuple[Input, _Chosen | None]:
    """Check an OpportunityPartner input; return it and what it gives the deals.

    Live rows naming no opportunity of ``deals`` are counted in a note.
    """
    missing = [t for t in (OPPORTUNITY_ID, PARTNER_ID) if t not in op.present]
    if missing:
        problems = tuple(
            Problem(
                op.name,
                t,
                "missing_column",
                0,
                message=f"OpportunityPartner needs {t} "
                f"({' or '.join(SALESFORCE.columns[OPPORTUNITY_PARTNERS][t])})",
                origin=op.origin,
            )
            for t in missing
        )
        return _update(op, problems=(*op.problems, *problems)), None
    op = _flags(op, [IS_PRIMARY, IS_DELETED], scope="table")
    primary_row = pl.lit(value=True)
    if IS_PRIMARY in op.present:
        primary_row = pl.col(f"__flag_{IS_PRIMARY}").fill_null(value=False)
    active = pl.lit(value=True)
    if IS_DELETED in op.present:
        active = ~pl.col(f"__flag_{IS_DELETED}").fill_null(value=False)
    engaged = _text(ENGAGED_ON) if ENGAGED_ON in op.present else pl.lit(None, pl.String)
    frame = op.frame.with_columns(
        (primary_row & active).alias("__primary"),
        active.alias("__active"),
        primary_row.alias("__primary_row"),
        _text(OPPORTUNITY_ID).alias("__op_deal"),
        _text(PARTNER_ID).alias("__op_partner"),
        engaged.alias("__op_engaged"),
    )
    source = op.plan.source_of(OPPORTUNITY_ID)
    notices = [
        Check(
            source,
            "several_values",
            pl.col("__primary") & (pl.col("__primary").sum().over("__op_deal") > 1),
            pl.col("__op_deal"),
            "opportunities with several primary partner rows; the first is used",
            scope="note",
        )
    ]
    if deals is not None and DEAL_ID in deals.present:
        known = (
            deals.frame.select(_text(DEAL_ID).alias("__op_deal"))
            .drop_nulls()
            .unique()
            .with_columns(pl.lit(value=True).alias("__op_matched"))
        )
        frame = frame.join(known, on="__op_deal", how="left", maintain_order="left")
        notices.append(
            Check(
                source,
                "unknown_opportunity",
                pl.col("__active")
                & pl.col("__op_deal").is_not_null()
                & pl.col("__op_matched").is_null(),
                pl.col("__op_deal"),
                "names no opportunity of the opportunities export, so the row credits no "
                "partner; export that opportunity too, or correct the id",
                scope="note",
            )
        )
    op = _update(op, frame=frame, notices=(*op.notices, *notices))
    chosen = (
        frame.filter(pl.col("__primary") & pl.col("__op_deal").is_not_null())
        .select(
            "__op_deal", "__op_partner", *(["__op_engaged"] if ENGAGED_ON in op.present else [])
        )
        .unique(subset="__op_deal", keep="first", maintain_order=True)
    )
    orphaned = None
    if IS_PRIMARY in op.present and IS_DELETED in op.present:
        deleted_primary = pl.col("__primary_row") & ~pl.col("__active")
        others = pl.col("__active") & ~pl.col("__primary_row")
        others = others & pl.col("__op_partner").is_not_null()
        orphaned = (
            frame.filter(pl.col("__op_deal").is_not_null())
            .group_by("__op_deal")
            .agg((deleted_primary.any() & ~pl.col("__primary").any() & others.any()).alias("__o"))
            .filter(pl.col("__o"))
            .select("__op_deal", pl.lit(value=True).alias("__op_orphaned"))
        )
    if ROLE in op.present:
        roles = (
            frame.filter(pl.col("__active"))
            .group_by(_text(ROLE).fill_null("(none)").alias("__role"))
            .len()
            .sort("__role")
            .collect()
        )
        listed = ", ".join(f"{r} {n}" for r, n in roles.iter_rows())
        op = _update(op, notes=(*op.notes, f"partner roles (rows not deleted): {listed}"))
    return op, _Chosen(chosen, orphaned)


def _attach_partner(deals: Input, chosen: _Chosen) -> Input:
    """Give each deal its primary OpportunityPartner, else keep its own partner field.

    A deal whose primary row is deleted, with only non-primary rows left, is counted in a
    note-level check (:data:`_ORPHANED`).
    """
    if DEAL_ID not in deals.present:
        return deals
    joined = deals.frame.join(
        chosen.primary,
        left_on=_text(DEAL_ID),
        right_on="__op_deal",
        how="left",
        maintain_order="left",
    )
    notices = deals.notices
    if chosen.orphaned is not None:
        joined = joined.join(
            chosen.orphaned,
            left_on=_text(DEAL_ID),
            right_on="__op_deal",
            how="left",
            maintain_order="left",
        )
        orphaned = Check(
            PARTNER_ID,
            _ORPHANED,
            pl.col("__op_orphaned").fill_null(value=False),
            _text(DEAL_ID),
            _orphaned_note("primary"),
            scope="note",
        )
        notices = (*notices, orphaned)
    own = _text(PARTNER_ID) if PARTNER_ID in deals.present else pl.lit(None, pl.String)
    exprs = [pl.coalesce(pl.col("__op_partner"), own).alias(PARTNER_ID)]
    added = [PARTNER_ID]
    if "__op_engaged" in chosen.primary.collect_schema():
        own_engaged = _text(ENGAGED_ON) if ENGAGED_ON in deals.present else pl.lit(None)
        exprs.append(pl.coalesce(own_engaged, pl.col("__op_engaged")).alias(ENGAGED_ON))
        added.append(ENGAGED_ON)
    frame = joined.with_columns(exprs)
    present = tuple(dict.fromkeys((*deals.present, *added)))
    notes = (
        *deals.notes,
        (
            "partner_id: the primary OpportunityPartner where there is one (deleted rows "
            "ignored); partner_engaged_on: its CreatedDate"
        ),
    )
    return _update(deals, frame=frame, present=present, notes=notes, notices=notices)


def resolve_partner_names(inputs: dict[str, Input], /) -> dict[str, Input]:
    """Read partner names given as ``partner_id`` as the id of the partner so named.

    Requires: a ``partners`` input with ``partner_id`` and ``name``. A value that matches
    no partner id but exactly one partner name (case- and whitespace-insensitively) is
    replaced by that id; a note-level check counts the replacements. A value naming a
    partner name that several partners share breaks the row rule
    ``duplicate_partner_name`` (not ``unknown_partner``). The loader runs this after the
    presets' prepare steps whenever a preset is used.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import read_portfolio
    >>> p = read_portfolio(
    ...     {"partners": pl.DataFrame({"Id": ["001A"], "Name": ["Acme Ltd"]}),
    ...      "deals": pl.DataFrame({"Id": ["006A"], "Partner Account": [" ACME ltd"],
    ...          "Created Date": ["1/5/2025"], "Close Date": ["3/1/2025"],
    ...          "Stage": ["Closed Won"], "Amount": ["1,200.00"]})},
    ...     preset="salesforce")
    >>> p.deals.select("partner_id", "outcome", "amount").collect().row(0)
    ('001A', 'won', 1200.0)
    """
    partners = inputs.get(PARTNERS)
    if partners is None or not {PARTNER_ID, NAME} <= set(partners.present):
        return inputs
    ids = (
        partners.frame.select(_text(PARTNER_ID).alias("__name_known_id"))
        .drop_nulls()
        .unique()
        .with_columns(pl.lit(value=True).alias("__name_known"))
    )
    keyed = partners.frame.select(
        _text(PARTNER_ID).alias("__by_name"), label_key(_text(NAME)).alias("__name_key")
    ).drop_nulls()
    # per name: the id of the one partner so named, or the ids of the several sharing it
    one = pl.len() == 1
    names = keyed.group_by("__name_key").agg(
        pl.when(one).then(pl.col("__by_name").first()).alias("__by_name"),
        pl.when(~one).then(pl.col("__by_name").sort().str.join(", ")).alias("__shared_ids"),
    )
    out = dict(inputs)
    for name, inp in inputs.items():
        if name == PARTNERS or PARTNER_ID not in inp.present:
            continue
        frame = (
            inp.frame.with_columns(_text(PARTNER_ID).alias(PARTNER_ID))
            .join(
                ids,
                left_on=PARTNER_ID,
                right_on="__name_known_id",
                how="left",
                maintain_order="left",
                coalesce=True,
            )
            .join(
                names,
                left_on=label_key(pl.col(PARTNER_ID)),
                right_on="__name_key",
                how="left",
                maintain_order="left",
            )
            .with_columns(
                (pl.col("__name_known").is_null() & pl.col("__by_name").is_not_null()).alias(
                    "__named_partner"
                ),
                (pl.col("__name_known").is_null() & pl.col("__shared_ids").is_not_null()).alias(
                    "__shared_name"
                ),
                pl.col(PARTNER_ID).alias("__partner_as_given"),
            )
            .with_columns(
                pl.when(pl.col("__named_partner"))
                .then(pl.col("__by_name"))
                .when(pl.col("__shared_name"))
                .then(pl.lit(None, pl.String))  # reported by its own rule, not as unknown
                .otherwise(pl.col(PARTNER_ID))
                .alias(PARTNER_ID)
            )
        )
        duplicate = Check(
            inp.plan.source_of(PARTNER_ID),
            "duplicate_partner_name",
            pl.col("__shared_name"),
            pl.format("{} (partners {})", pl.col("__partner_as_given"), pl.col("__shared_ids")),
            "partner given by a name that several partners share; give the partner id, or "
            "rename one of the partners",
        )
        notice = Check(
            inp.plan.source_of(PARTNER_ID),
            "partner_by_name",
            pl.col("__named_partner"),
            pl.format("{} -> {}", pl.col("__partner_as_given"), pl.col(PARTNER_ID)),
            "partner given by name; read as the id of the partner with that name",
            scope="note",
        )
        out[name] = _update(
            inp, frame=frame, checks=(*inp.checks, duplicate), notices=(*inp.notices, notice)
        )
    return out


def _credit_pairs(inputs: Mapping[str, Input]) -> pl.LazyFrame | None:
    """Every partner of each deal, the primary first: ``__credit_deal, __credit_partner``."""
    op = inputs.get(OPPORTUNITY_PARTNERS)
    if op is not None and "__active" in op.frame.collect_schema():
        return (
            op.frame.filter(
                pl.col("__active")
                & pl.col("__op_deal").is_not_null()
                & pl.col("__op_partner").is_not_null()
            )
            .sort(["__op_deal", "__primary", ROW], descending=[False, True, False])
            .unique(subset=["__op_deal", "__op_partner"], keep="first", maintain_order=True)
            .select(
                pl.col("__op_deal").alias("__credit_deal"),
                pl.col("__op_partner").alias("__credit_partner"),
                (
                    pl.col("__op_engaged") if ENGAGED_ON in op.present else pl.lit(None, pl.String)
                ).alias("__credit_engaged"),
            )
        )
    deals = inputs.get(DEALS)
    if deals is None or DEAL_ID not in deals.present:
        return None
    schema = deals.frame.collect_schema()
    lists = [
        clean_text(pl.col(c).cast(pl.String))
        for c in (f"__list_{PARTNER_ID}", f"__list_{PARTNER_NAME}")  # ids, else names
        if c in schema
    ]
    if lists:
        key = _text(DEAL_ID)
        return (
            deals.frame.filter(pl.col(ROW) == pl.col(ROW).min().over(key))  # see credit_partners
            .select(
                key.alias("__credit_deal"),
                pl.coalesce(lists).str.split(";").alias("__credit_partner"),
            )
            .explode("__credit_partner")
            .with_columns(pl.col("__credit_partner").str.strip_chars())
            .filter(pl.col("__credit_partner").is_not_null() & (pl.col("__credit_partner") != ""))
            .unique(maintain_order=True)
            .with_columns(pl.lit(None, pl.String).alias("__credit_engaged"))
        )
    return None


def credit_partners(inputs: dict[str, Input], credit: str = "primary", /) -> dict[str, Input]:
    """Give each partner of a deal with several partners its credit.

    Requires: a ``deals`` input with ``deal_id``, and either an OpportunityPartner input
    (Salesforce) or partners listed ``a;b`` in the deal (HubSpot associations).
    ``credit`` is ``"primary"`` (the default: the primary partner only, as the presets
    attach it), ``"split"`` (every partner gets an equal share of the amount) or
    ``"full"`` (every partner gets the whole amount).

    With ``split`` and ``full``, a deal with k partners becomes k rows, one per partner:
    the first (the primary) keeps the deal id, the others get ``<deal id>~<partner id>``.
    Each partner's own deal counts and win rate therefore count the deal once; sums of
    amounts over the whole portfolio are preserved by ``split`` (and multiplied by
    ``full``, which is meant for per-partner views only); portfolio-wide deal counts count
    a shared deal once per partner. The load report says how many deals were shared.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import read_portfolio
    >>> from partnerkit.load.mapping import Shape
    >>> src = {"partners": pl.DataFrame({"Record ID": ["a", "b"], "Company name": ["A", "B"]}),
    ...     "deals": pl.DataFrame({"Record ID": ["d1"], "Deal Stage": ["Closed Won"],
    ...         "Amount": ["900"], "Create Date": ["2025-01-02"], "Close Date": ["2025-02-01"],
    ...         "Associated Partner Client IDs": ["a;b"]})}
    >>> p = read_portfolio(src, preset="hubspot", shape=Shape(credit="split"))
    >>> p.deals.select("deal_id", "partner_id", "amount").collect().rows()
    [('d1', 'a', 450.0), ('d1~b', 'b', 450.0)]
    """
    if credit == "primary":
        return inputs
    if credit not in CREDITS:
        raise ValueError(f"credit must be one of {', '.join(CREDITS)}, not {credit!r}")
    deals = inputs.get(DEALS)
    pairs = _credit_pairs(inputs)
    if deals is None or pairs is None or DEAL_ID not in deals.present:
        return inputs
    own = _text(PARTNER_ID) if PARTNER_ID in deals.present else pl.lit(None, pl.String)
    # a deal id given twice is a duplicate the checks set aside: only its first row is shared
    key = _text(DEAL_ID)
    first = pl.col(ROW) == pl.col(ROW).min().over(key)
    frame = (
        deals.frame.with_columns(
            key.alias("__credit_key"),
            pl.when(first).then(key).alias("__credit_join"),
        )
        .join(
            pairs,
            left_on="__credit_join",
            right_on="__credit_deal",
            how="left",
            maintain_order="left_right",
        )
        .with_columns(
            pl.len().over("__credit_key", ROW).alias("__credit_k"),
            pl.int_range(pl.len()).over("__credit_key", ROW).alias("__credit_i"),
        )
    )
    partner = pl.coalesce(pl.col("__credit_partner"), own)
    exprs = [
        partner.alias(PARTNER_ID),
        pl.when(pl.col("__credit_i") == 0)
        .then(pl.col("__credit_key"))
        .otherwise(pl.format("{}~{}", pl.col("__credit_key"), partner))
        .alias(DEAL_ID),
    ]
    if ENGAGED_ON in deals.present:
        exprs.append(pl.coalesce(pl.col("__credit_engaged"), _text(ENGAGED_ON)).alias(ENGAGED_ON))
    if credit == "split" and AMOUNT in deals.present:
        text = _text(AMOUNT)
        value = parse_numbers(text)
        exprs.append(
            pl.when(value.is_not_null() & (pl.col("__credit_k") > 1))
            .then((value / pl.col("__credit_k")).cast(pl.String))
            .otherwise(pl.col(AMOUNT))
            .alias(AMOUNT)
        )
    frame = frame.with_columns(exprs).drop("__credit_join")
    present = tuple(dict.fromkeys((*deals.present, PARTNER_ID, DEAL_ID)))
    shared = frame.filter(pl.col("__credit_i") == 1).select(pl.len()).collect().item()
    rows = frame.filter(pl.col("__credit_k") > 1).select(pl.len()).collect().item()
    how = {"split": "an equal share of the amount", "full": "the whole amount"}[credit]
    note = (
        f"credit {credit}: {shared} deals with several partners became {rows} rows, one "
        f"per partner, each with {how} (extra rows: deal id ~ partner id)"
    )
    # every listed partner is credited now: drop the "the first is used" notes on them
    partner_sources = {deals.plan.source_of(t) for t in (PARTNER_ID, PARTNER_NAME)}
    notices = tuple(
        dataclasses.replace(c, message=_orphaned_note(credit)) if c.rule == _ORPHANED else c
        for c in deals.notices
        if not (c.rule == "several_values" and c.column in partner_sources)
    )
    updated = _update(
        deals, frame=frame, present=present, notes=(*deals.notes, note), notices=notices
    )
    return {**inputs, DEALS: updated}


PARTNER_TYPE_WORDS = ("partner", "reseller", "distributor", "integrator", "referral", "var")
"""Words that mark an account or company ``Type`` as a partner type (case-insensitive)."""

CUSTOMER_TYPE_WORDS = (
    "customer",
    "prospect",
    "lead",
    "vendor",
    "competitor",
    "investor",
    "press",
    "analyst",
)
"""Words that mark an account or company ``Type`` as not a partner (case-insensitive).

Salesforce's default Account types include ``Analyst`` (an industry analyst firm): never a
partner."""

SILENT_TYPES = ("other",)
"""Account or company ``Type`` values that say nothing, as a blank ``Type`` does
(Salesforce's and HubSpot's default ``Other``); matched on the whole value."""

NOT_PARTNER_LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
)
"""HubSpot ``Lifecycle Stage`` values (labels, or internal names such as
``marketingqualifiedlead``) of a company that is not a partner; ``Other`` and custom stages
say nothing."""


def _type_in(text: pl.Expr, words: Sequence[str]) -> pl.Expr:
    spaced = label_key(text).str.replace_all(r"[^a-z0-9]+", " ")
    return spaced.str.contains(r"\b(" + "|".join(words) + r")s?\b").fill_null(value=False)


def _deal_keys(deals: Input | None, targets: Sequence[str]) -> set[str]:
    """Return the ids and name keys the deals give in ``targets`` (lists ``a;b`` split)."""
    if deals is None:
        return set()
    present = [t for t in targets if t in deals.present]
    if not present:
        return set()
    values = (
        deals.frame.select(pl.concat_list(_text(t).str.split(";") for t in present).alias("__v"))
        .explode("__v")
        .select(pl.col("__v").str.strip_chars())
        .drop_nulls()
        .unique()
        .collect()
        .to_series()
        .to_list()
    )
    records = {v[:15] for v in values if re.fullmatch(_SF_ID, v)}  # either id length
    return {v for v in values if v} | {key_of(v) for v in values if v} | records


_SHOWN_NAMES = 8
"""How many rows a note names before it ends with "..."."""


def _listed(rows: pl.DataFrame, kind: str, value: str | None = None) -> str:
    """Return ``'Name' (line 4), ...`` for the first rows (``ROW, __ident, __named``)."""
    shown = []
    for r, i, n, v in (
        rows.select(ROW, "__ident", "__named", pl.col(value) if value else pl.lit(None))
        .head(_SHOWN_NAMES)
        .rows()
    ):
        said = f": {v!r}" if v is not None else ""
        shown.append(f"{n or i!r} ({kind} {r}{said})")
    return ", ".join(shown) + (", ..." if rows.height > _SHOWN_NAMES else "")


def partner_accounts(
    inp: Input, /, deals: Input | None = None, *, also: Sequence[Input] = ()
) -> Input:
    """Keep only the partner accounts of an Account / Companies export holding customers.

    Requires: nothing; uses the helpers ``is_partner`` (``IsPartner``) and
    ``lifecycle_stage`` (HubSpot's ``Lifecycle Stage``) and ``type`` when present. When
    partner accounts are enabled (some row has ``IsPartner`` true), a row is kept when
    ``IsPartner`` is true or its type names a partner, reseller, distributor, integrator,
    referral or VAR (:data:`PARTNER_TYPE_WORDS`). Otherwise a row is kept unless its type
    names a customer, prospect, lead, vendor, competitor, investor, press or analyst
    (:data:`CUSTOMER_TYPE_WORDS`). The rows left out are counted in a note with their line
    numbers (analysts in a note of their own); an export of partners only is read as it is.

    A blank ``Type``, or ``Other`` (:data:`SILENT_TYPES`), says nothing. Such a company
    that ``deals`` name as the account of a deal (``account_id`` or the helper
    ``account_name``), and as no deal's partner (nor the partner of an input in ``also``,
    an OpportunityPartner export), is a customer and is left out; so is one
    whose ``Lifecycle Stage`` is a customer's, lead's, subscriber's, ...
    (:data:`NOT_PARTNER_LIFECYCLE_STAGES`) and that is no deal's partner. The others are
    kept. Notes name the companies left out this way, and those kept because some deal
    names them as its partner. Salesforce ids are compared by record (15 or 18
    characters, see :func:`same_record_ids`).

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import read_portfolio
    >>> accounts = pl.DataFrame({"Id": ["001C", "001P", "001R"],
    ...     "Name": ["Customer Co", "Partner Co", "Reseller Co"],
    ...     "Type": ["Customer - Direct", "Technology Partner", "Channel Partner / Reseller"],
    ...     "IsPartner": ["false", "true", "false"]})
    >>> deals = pl.DataFrame({"Id": ["006A"], "Partner__c": ["001P"], "StageName": ["Closed Won"],
    ...     "Amount": ["10"], "CreatedDate": ["2025-01-02"], "CloseDate": ["2025-02-01"]})
    >>> p = read_portfolio({"partners": accounts, "deals": deals}, preset="salesforce")
    >>> p.partners.select("partner_id", "type").collect().rows()
    [('001P', 'technology'), ('001R', 'reseller')]
    """
    flag = IS_PARTNER in inp.present
    typed = "type" in inp.present
    if not (flag or typed):
        return inp
    if flag:
        inp = _flags(inp, [IS_PARTNER], scope="table")
    is_flag = pl.col(f"__flag_{IS_PARTNER}") if flag else pl.lit(None, pl.Boolean)
    kind = _text("type") if typed else pl.lit(None, pl.String)
    staged = typed and LIFECYCLE in inp.present
    stage = _text(LIFECYCLE) if staged else pl.lit(None, pl.String)
    ident = _text(PARTNER_ID) if PARTNER_ID in inp.present else pl.lit(None, pl.String)
    named = _text(NAME) if NAME in inp.present else pl.lit(None, pl.String)
    blank = kind.is_null() if typed else pl.lit(value=False)
    silent = label_key(kind).is_in(SILENT_TYPES).fill_null(value=False)
    marked = inp.frame.with_columns(
        is_flag.fill_null(value=False).alias("__flagged"),
        _type_in(kind, PARTNER_TYPE_WORDS).alias("__partner_type"),
        _type_in(kind, CUSTOMER_TYPE_WORDS).alias("__customer_type"),
        _type_in(kind, ("analyst",)).alias("__analyst"),
        blank.alias("__blank_type"),
        silent.alias("__silent_type"),
        ((blank | silent) & _type_in(stage, NOT_PARTNER_LIFECYCLE_STAGES)).alias("__stage_says"),
        stage.alias("__stage"),
        ident.alias("__ident"),
        named.alias("__named"),
    ).collect()
    notes = list(inp.notes)
    untyped = pl.col("__blank_type") | pl.col("__silent_type")
    said = inp.plan.source_of(LIFECYCLE) if staged else LIFECYCLE  # the stage's column
    if marked["__flagged"].any():
        keep = pl.col("__flagged") | pl.col("__partner_type")
        marked = marked.with_columns(
            pl.lit(value=False).alias(c) for c in ("__account", "__partner", "__by_stage")
        )
    else:
        accounts = _deal_keys(deals, [ACCOUNT_ID, ACCOUNT_NAME])
        partners = _deal_keys(deals, [PARTNER_ID, PARTNER_NAME])
        for other in also:
            partners |= _deal_keys(other, [PARTNER_ID])

        def among(keys: set[str]) -> pl.Expr:
            listed = pl.Series(sorted(keys), dtype=pl.String).implode()
            ident = _record_key(pl.col("__ident"))
            return ident.is_in(listed).fill_null(value=False) | label_key(pl.col("__named")).is_in(
                listed
            ).fill_null(value=False)

        marked = marked.with_columns(
            (untyped & among(accounts)).alias("__account"), among(partners).alias("__partner")
        )
        customer = pl.col("__account") & ~pl.col("__partner")
        marked = marked.with_columns(
            (pl.col("__stage_says") & ~pl.col("__partner") & ~customer).alias("__by_stage")
        )
        keep = ~pl.col("__customer_type") & ~customer & ~pl.col("__by_stage")
        for typed_as, which in (
            ("a blank Type", "__blank_type"),
            ("Type 'Other'", "__silent_type"),
        ):
            for how, rows, value, then in (
                (
                    "left out as customers: accounts of deals and no deal's partner",
                    marked.filter(pl.col(which) & customer),
                    None,
                    "; give them a partner Type to count them as partners",
                ),
                (
                    f"left out: a {said} not a partner's, and no deal's partner",
                    marked.filter(pl.col(which) & pl.col("__by_stage")),
                    "__stage",
                    "; give them a partner Type to count them as partners",
                ),
                (
                    "kept as partners though accounts of deals too: some deal's partner",
                    marked.filter(pl.col(which) & pl.col("__account") & pl.col("__partner")),
                    None,
                    "",
                ),
                (
                    f"kept as partners though their {said} is not a partner's: some deal's partner",
                    marked.filter(pl.col(which) & pl.col("__stage_says") & pl.col("__partner")),
                    "__stage",
                    "",
                ),
            ):
                if rows.height:
                    what = "company" if rows.height == 1 else "companies"
                    shown = _listed(rows, inp.row_kind, value)
                    notes.append(f"{rows.height} {what} with {typed_as} {how} ({shown}){then}")
    before = inp.frame.collect_schema().names()
    helpers = [c for c in marked.columns if c.startswith("__") and c not in before]
    helpers = [c for c in helpers if c != ROW] + ["__partner_account"]
    marked = marked.with_columns(keep.alias("__partner_account"))
    if marked["__partner_account"].all():
        return _update(inp, notes=tuple(notes))
    analysts = marked.filter(pl.col("__analyst") & ~pl.col("__partner_account"))
    if analysts.height:
        what = "account" if analysts.height == 1 else "accounts"
        notes.append(
            f"{analysts.height} {what} of an analyst Type left out: an industry analyst is not "
            f"a partner ({_listed(analysts, inp.row_kind)})"
        )
    left = marked.filter(~pl.col("__partner_account"))[ROW].to_list()
    kept = marked.filter(pl.col("__partner_account")).drop(helpers)
    source = inp.plan.source_of("type") if typed else "Type"
    flag_source = inp.plan.source_of(IS_PARTNER) if flag else "IsPartner"
    written = _text("type") if typed else pl.lit(None, pl.String)
    base = (
        pl.when(pl.col("__blank_type"))
        .then(pl.lit(f"a blank {source}"))
        .when(written.is_not_null())
        .then(pl.format(f"{source} '{{}}'", written))
    )
    why = (
        pl.when(untyped & pl.col("__account"))
        .then(pl.format("{}, and an account of deals", base))
        .when(pl.col("__by_stage"))
        .then(pl.format(f"{{}}, and {said} '{{}}'", base, pl.col("__stage")))
        .when(written.is_not_null())
        .then(base)
        .otherwise(pl.lit(f"no partner {source}"))
    )
    if flag:
        why = pl.format(f"{flag_source} not true, {{}}", why)
    out = marked.filter(~pl.col("__partner_account"))
    left_out = tuple(
        (i, n, int(r), str(w))
        for r, i, n, w in out.select(ROW, "__ident", "__named", why.alias("__why")).rows()
    )
    shown = ", ".join(str(n) for n in left[:8]) + (", ..." if len(left) > 8 else "")
    note = (
        f"kept {kept.height} partner accounts; left out {len(left)} customers and other "
        f"accounts ({inp.row_kind} {shown})"
    )
    return _update(inp, frame=kept.lazy(), notes=(*notes, note), left_out=left_out)


def _with_partner_accounts(inputs: dict[str, Input]) -> tuple[dict[str, Input], Input | None]:
    """Copy ``inputs`` keeping the partner accounts only; return it and its deals (or None)."""
    out = dict(inputs)
    if PARTNERS in out:
        also = [out[OPPORTUNITY_PARTNERS]] if OPPORTUNITY_PARTNERS in out else []
        out[PARTNERS] = partner_accounts(out[PARTNERS], out.get(DEALS), also=also)
    return out, out.get(DEALS)


def keyed_by_name(inp: Input, /) -> Input:
    """Read each partner's name as its id when the export has no id column.

    A Salesforce account report lists ``Account Name`` and leaves out ``Account ID``
    unless the user adds that column (as its opportunities report leaves out
    ``Opportunity ID``); the deals of such a report name their partner by name too. The
    name then keys the partner, a note says so, and a repeated name is reported as a
    duplicate id. An input with an id column, or without names, is returned unchanged.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import read_portfolio
    >>> accounts = pl.DataFrame({"Account Name": ["Northwind", "Contoso"], "Type": ["Partner"] * 2})
    >>> deals = pl.DataFrame({"Opportunity Name": ["Big"], "Partner Account": ["Contoso"],
    ...     "Stage": ["Closed Won"], "Amount": ["10"], "Created Date": ["2025-01-02"],
    ...     "Close Date": ["2025-02-01"]})
    >>> p = read_portfolio({"partners": accounts, "deals": deals}, preset="salesforce")
    >>> p.partners.select("partner_id", "name").collect().rows()
    [('Northwind', 'Northwind'), ('Contoso', 'Contoso')]
    """
    if PARTNER_ID in inp.present or NAME not in inp.present:
        return inp
    source = inp.plan.source_of(NAME)
    note = (
        f"no account id column: each partner is keyed by its {source!r} (add the "
        "'Account ID' column to the report to key partners by id)"
    )
    return _update(
        inp,
        frame=inp.frame.with_columns(pl.col(NAME).alias(PARTNER_ID)),
        present=(PARTNER_ID, *inp.present),
        notes=(*inp.notes, note),
    )


_SF_ID = r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$"
"""A Salesforce record id: 15 case-sensitive characters, or 18 (the 15 and a 3-character
suffix that makes the id unique ignoring case)."""


def _record(text: pl.Expr) -> pl.Expr:
    """Return the record a Salesforce id names (its first 15 characters), else null."""
    return pl.when(text.str.contains(_SF_ID)).then(text.str.slice(0, 15))


def _record_key(text: pl.Expr) -> pl.Expr:
    """Return the record a Salesforce id names (:func:`_record`), else the text itself."""
    return pl.coalesce(_record(text), text)


def _as_known_ids(
    inp: Input, target: str, known: pl.LazyFrame, /, *, rule: str, message: str
) -> Input:
    """Read each ``target`` value of the other Salesforce id length as the known id.

    ``known`` holds ids in a String column ``__sf_id``. A value of ``target`` that is no
    known id, but whose first 15 characters begin exactly one known id, is replaced by
    that id; a note-level check ``rule`` counts the rows (``given -> read as``).
    """
    ids = known.drop_nulls().unique()
    listed = ids.select(
        pl.col("__sf_id").alias("__sf_known_id"), pl.lit(value=True).alias("__sf_known")
    )
    # per first 15 characters, the one known id they begin (several: none, left as given)
    by_record = (
        ids.filter(pl.col("__sf_id").str.contains(_SF_ID))
        .group_by(_record(pl.col("__sf_id")).alias("__sf_record"))
        .agg(pl.when(pl.len() == 1).then(pl.col("__sf_id").first()).alias("__sf_as"))
    )
    given, other = f"__sf_given_{target}", f"__sf_other_length_{target}"
    frame = (
        inp.frame.with_columns(
            _text(target).alias(given), _record(_text(target)).alias("__sf_record")
        )
        .join(listed, left_on=given, right_on="__sf_known_id", how="left", maintain_order="left")
        .join(by_record, on="__sf_record", how="left", maintain_order="left")
        .with_columns(
            (pl.col("__sf_known").is_null() & pl.col("__sf_as").is_not_null()).alias(other)
        )
        .with_columns(
            pl.when(pl.col(other)).then(pl.col("__sf_as")).otherwise(pl.col(target)).alias(target)
        )
        .drop("__sf_known", "__sf_record", "__sf_as")
    )
    notice = Check(
        inp.plan.source_of(target),
        rule,
        pl.col(other),
        pl.format("{} -> {}", pl.col(given), pl.col(target)),
        message,
        scope="note",
    )
    return _update(inp, frame=frame, notices=(*inp.notices, notice))


_ONE_RECORD = {
    (PARTNERS, PARTNER_ID): "partner",
    (DEALS, DEAL_ID): "opportunity",
    (DEALS, ACCOUNT_ID): "account",
}
"""Id columns whose values, in one table, name a record each: (input, column) -> what."""

_REFERENCES = (
    (None, PARTNER_ID, PARTNERS, "partner_id_length", "partner"),
    (OPPORTUNITY_PARTNERS, OPPORTUNITY_ID, DEALS, "opportunity_id_length", "opportunity"),
)
"""References to another input's ids: (input or None for every other one, column,
input referenced, note rule, what the ids name). The referenced column is the id column of
that input (``partner_id``, ``deal_id``)."""


def same_record_ids(inputs: dict[str, Input], /) -> dict[str, Input]:
    """Read Salesforce ids of the other length (15 or 18 characters) as one record's id.

    Salesforce writes a record's id in 15 characters (reports, spreadsheets, formula
    fields) or 18 (the API, Data Loader); the first 15 characters of the 18 are the 15,
    the last 3 a suffix that makes the id unique ignoring case. Two steps, each counted in
    a note-level check:

    - in one table, a partner id, opportunity id or deal account id of 15 characters that
      the same column also holds in 18 (an API export appended to a report export) is
      read as the 18-character id: the same record is one record, and a repeated partner
      or opportunity is then reported as a ``duplicate``, never counted twice;
    - a ``partner_id`` of another input that matches no partner id, but whose first 15
      characters are those of exactly one partner's id, is replaced by that id; so is an
      OpportunityPartner ``OpportunityId`` matching no opportunity but one of the other
      length.

    Values that are not ids of 15 or 18 letters and digits (names, say) are left to
    :func:`resolve_partner_names`.

    Examples
    --------
    >>> import polars as pl
    >>> from partnerkit.load.read import read_portfolio
    >>> accounts = pl.DataFrame({"Id": ["0015g00000PA001AAA"], "Name": ["Northwind"]})
    >>> deals = pl.DataFrame({"Id": ["006A"], "Partner__c": ["0015g00000PA001"],
    ...     "StageName": ["Closed Won"], "Amount": ["10"], "CreatedDate": ["2025-01-02"],
    ...     "CloseDate": ["2025-02-01"]})
    >>> p = read_portfolio({"partners": accounts, "deals": deals}, preset="salesforce")
    >>> p.deals.select("partner_id").collect().item()
    '0015g00000PA001AAA'
    """
    out = dict(inputs)
    for (name, column), what in _ONE_RECORD.items():
        inp = out.get(name)
        if inp is None or column not in inp.present:
            continue
        longer = inp.frame.select(_text(column).alias("__sf_id")).filter(
            pl.col("__sf_id").str.len_chars() == 18
        )
        out[name] = _as_known_ids(
            inp,
            column,
            longer,
            rule="id_length",
            message=f"{what} id of 15 characters that this table also holds in 18 (the same "
            "Salesforce record); read as the 18-character id",
        )
    for only, column, referenced, rule, what in _REFERENCES:
        target = out.get(referenced)
        id_column = PARTNER_ID if referenced == PARTNERS else DEAL_ID
        if target is None or id_column not in target.present:
            continue
        known = target.frame.select(_text(id_column).alias("__sf_id"))
        for name, inp in list(out.items()):
            if name == referenced or (only is not None and name != only):
                continue
            if column not in inp.present:
                continue
            out[name] = _as_known_ids(
                inp,
                column,
                known,
                rule=rule,
                message=f"{what} id of the other Salesforce length (15 or 18 characters); "
                f"read as the id of the {what} it names",
            )
    return out


def _partner_account_fallback(deals: Input, /) -> Input:
    """Read ``PartnerAccountId`` as the deal's partner where ``Partner__c`` is blank.

    ``PartnerAccountId`` is set when a partner user owns the deal; many companies name the
    partner in a custom field such as ``Partner__c`` instead, which the preset reads first.
    Where the custom field is blank the partner account is read (counted in a note); where
    both are given and name different records, the custom field is read and a note counts
    the rows.
    """
    if PARTNER_ACCOUNT not in deals.present:
        return deals
    own = _text(PARTNER_ID) if PARTNER_ID in deals.present else pl.lit(None, pl.String)
    account = _text(PARTNER_ACCOUNT)
    frame = deals.frame.with_columns(own.alias("__own_partner"), account.alias("__partner_account"))
    filled = _fall_back(_update(deals, frame=frame), PARTNER_ID, PARTNER_ACCOUNT)
    source, fallback = deals.plan.source_of(PARTNER_ID), deals.plan.source_of(PARTNER_ACCOUNT)
    mine, theirs = pl.col("__own_partner"), pl.col("__partner_account")
    differ = mine.is_not_null() & theirs.is_not_null()
    differ = differ & (_record_key(mine) != _record_key(theirs))
    notices = (
        Check(
            source,
            "partner_from_partner_account",
            mine.is_null() & theirs.is_not_null(),
            theirs,
            f"blank; the partner is read from {fallback} (the partner account owning the deal)",
            scope="note",
        ),
        Check(
            source,
            "partner_fields_differ",
            differ,
            pl.format("{} (" + fallback + " {})", mine, theirs),
            f"names another partner than {fallback}; {source} is read (to read {fallback} "
            f"instead, map it to partner_id and {source} to '')",
            scope="note",
        ),
    )
    return _update(filled, notices=(*filled.notices, *notices))


def _prepare_salesforce(inputs: dict[str, Input]) -> dict[str, Input]:
    if DEALS in inputs:
        inputs = {**inputs, DEALS: _partner_account_fallback(inputs[DEALS])}
    out, _ = _with_partner_accounts(inputs)
    if PARTNERS in out:
        out[PARTNERS] = keyed_by_name(out[PARTNERS])
    out = same_record_ids(out)
    deals = out.get(DEALS)
    if deals is not None:
        deals = _outcome_from_flags(deals, won=IS_WON, closed=IS_CLOSED, lost=None)
        op = out.get(OPPORTUNITY_PARTNERS)
        if op is not None:
            op, chosen = _primary_partners(op, deals)
            out[OPPORTUNITY_PARTNERS] = op
            if chosen is not None:
                deals = _attach_partner(deals, chosen)
        out[DEALS] = deals
    return out


def _company_currency_amounts(deals: Input, /) -> Input:
    """Read HubSpot's ``Amount in company currency`` as the amount when there is no currency.

    In a portal with several currencies, ``Amount`` holds each deal in its own currency,
    which only the ``Currency`` column names; ``Amount in company currency`` holds it
    converted to the portal's company currency. An export with a ``Currency`` column is
    read as it is (``Amount`` and ``Currency``; the helper column is listed as ignored).
    Without one, the amounts in company currency are read (a note says so, and a
    note-level check counts the deals whose ``Amount`` differs). A deal with an ``Amount``
    but no amount in company currency, in an export where the two differ on some deal,
    has no known currency: it breaks ``blank_currency``.
    """
    if COMPANY_AMOUNT not in deals.present:
        return deals
    source = deals.plan.source_of(COMPANY_AMOUNT)
    if CURRENCY in deals.present:  # each deal's amount and currency as they are
        plan = dataclasses.replace(
            deals.plan,
            renamed=tuple((s, t) for s, t in deals.plan.renamed if t != COMPANY_AMOUNT),
            ignored=tuple(c for c in deals.source.columns if c in {*deals.plan.ignored, source}),
        )
        present = tuple(t for t in deals.present if t != COMPANY_AMOUNT)
        return _update(deals, frame=deals.frame.drop(COMPANY_AMOUNT), present=present, plan=plan)
    given = deals.plan.source_of(AMOUNT) if AMOUNT in deals.present else "Amount"
    own = _text(AMOUNT) if AMOUNT in deals.present else pl.lit(None, pl.String)
    company = _text(COMPANY_AMOUNT)
    frame = deals.frame.with_columns(
        own.alias("__amount_as_given"),
        company.alias("__company_amount"),
        pl.coalesce(company, own).alias(AMOUNT),
    )
    mine, theirs = pl.col("__amount_as_given"), pl.col("__company_amount")
    differs = (parse_numbers(mine) != parse_numbers(theirs)).fill_null(value=False)
    notice = Check(
        source,
        "company_currency",
        differs,
        pl.format("{} -> {}", mine, theirs),
        f"differs from {given} (a deal in another currency than the company's): the "
        "amount in company currency is read",
        scope="note",
    )
    unknown = Check(
        source,
        "blank_currency",
        theirs.is_null() & mine.is_not_null() & differs.any(),
        mine,
        f"empty while {given} is given, and the export has no Currency column: other deals' "
        f"{given} differs from their amount in company currency (the portal has several "
        "currencies), so this deal's currency is unknown; add the Currency column to the "
        "export, or fill in the amount in company currency",
    )
    note = (
        f"amount: read from {source!r}, in the portal's company currency: the export has no "
        f"Currency column, and {given!r} holds each deal in its own currency (add the "
        "Currency column to the export to read each deal's own amount and convert it with a "
        "rate table instead)"
    )
    return _update(
        deals,
        frame=frame,
        present=tuple(dict.fromkeys((*deals.present, AMOUNT))),
        checks=(*deals.checks, unknown),
        notices=(*deals.notices, notice),
        notes=(*deals.notes, note),
    )


def _prepare_hubspot(inputs: dict[str, Input]) -> dict[str, Input]:
    out, deals = _with_partner_accounts(inputs)
    if deals is not None:
        deals = _company_currency_amounts(deals)
        deals = _first_of_list(deals, [PARTNER_ID, PARTNER_NAME], "partners")
        deals = _first_of_list(deals, [ACCOUNT_ID, ACCOUNT_NAME], "companies")
        deals = _fall_back(deals, PARTNER_ID, PARTNER_NAME)
        deals = _fall_back(deals, ACCOUNT_ID, ACCOUNT_NAME)
        out[DEALS] = _outcome_from_flags(deals, won=IS_WON, closed=None, lost=IS_LOST)
    return out


def _fall_back(inp: Input, target: str, helper: str) -> Input:
    """Fill ``target`` from the ``helper`` column where it is empty (ids, else names)."""
    if helper not in inp.present:
        return inp
    own = _text(target) if target in inp.present else pl.lit(None, pl.String)
    frame = inp.frame.with_columns(pl.coalesce(own, _text(helper)).alias(target))
    present = tuple(dict.fromkeys((*inp.present, target)))
    return _update(inp, frame=frame, present=present)


def _status(text: pl.Expr) -> pl.Expr:
    lowered = text.str.to_lowercase()
    return (
        pl.when(lowered.str.contains("customer"))
        .then(pl.lit(CUSTOMER))
        .when(lowered.str.contains("prospect|opportunit|pipeline"))
        .then(pl.lit(PROSPECT))
        .otherwise(pl.lit(NONE))
    )


def _prepare_crossbeam(inputs: dict[str, Input]) -> dict[str, Input]:
    out = dict(inputs)
    overlaps = out.get(OVERLAPS)
    if overlaps is not None:
        exprs: list[pl.Expr] = []
        notices = list(overlaps.notices)
        for t in (OUR_STATUS, PARTNER_STATUS):
            if t not in overlaps.present:
                continue
            text = _text(t).str.strip_chars("() ")
            listed = text.is_not_null() & (text != "")
            status = _status(text)
            exprs += [
                pl.when(pl.col(t).is_null()).then(pl.lit(NONE)).otherwise(status).alias(t),
                (listed & (status == NONE)).alias(f"__unmatched_{t}"),
                _text(t).alias(f"__populations_{t}"),
            ]
            notices.append(
                Check(
                    overlaps.plan.source_of(t),
                    "population_not_status",
                    pl.col(f"__unmatched_{t}"),
                    pl.col(f"__populations_{t}"),
                    "populations naming neither customers nor prospects; read as 'none'",
                    scope="note",
                )
            )
        frame = overlaps.frame.with_columns(
            [e for e in exprs if e.meta.output_name().startswith("__")]
        ).with_columns([e for e in exprs if not e.meta.output_name().startswith("__")])
        out[OVERLAPS] = _update(overlaps, frame=frame, notices=tuple(notices))
    return out


_OUTCOME_LABELS = {"Closed Won": WON, "Closed Lost": LOST, "*": OPEN}

SALESFORCE = Preset(
    "salesforce",
    "Salesforce Opportunity / Account / OpportunityPartner exports (API names or report labels)",
    files={
        PARTNERS: (
            "account",
            "accounts",
            "partner_account",
            "partner_accounts",
            "partner_accounts_report*",
        ),
        DEALS: ("opportunity", "opportunities", "opportunities_report*", "opportunity_report*"),
        OPPORTUNITY_PARTNERS: (
            "opportunitypartner",
            "opportunitypartners",
            "opportunity_partner",
            "opportunity_partners",
        ),
    },
    columns={
        PARTNERS: {
            PARTNER_ID: ("Id", "Account ID", "AccountId"),
            NAME: ("Name", "Account Name"),
            "type": ("Type", "Account Type", "Partner Type"),
            "tier": ("Partner_Tier__c", "Partner Tier", "Tier"),
            "region": ("Region__c", "Region", "Sales Region"),
            "signed_on": ("Partner_Since__c", "Partner Since"),
            "status": ("Partner_Status__c", "Partner Status"),
            "executive_sponsor": ("Executive_Sponsor__c", "Executive Sponsor"),
            IS_PARTNER: ("IsPartner", "Is Partner", "Partner Account"),
        },
        DEALS: {
            DEAL_ID: ("Id", "Opportunity ID", "Opportunity Name"),
            PARTNER_ID: (
                "Partner__c",
                "Partner Account ID",
                "PartnerAccountId",
                "Partner Account",
                "Partner",
            ),
            ACCOUNT_ID: ("AccountId", "Account ID", "Account Name"),
            "created_on": ("CreatedDate", "Created Date"),
            "closed_on": ("CloseDate", "Close Date"),
            OUTCOME: ("StageName", "Stage"),
            "amount": ("Amount",),
            "partner_engaged_on": ("Partner_Engaged_Date__c", "Partner Engaged Date"),
            "currency": ("CurrencyIsoCode", "Opportunity Currency", "Amount Currency"),
            IS_WON: ("IsWon", "Won"),
            IS_CLOSED: ("IsClosed", "Closed"),
            PARTNER_ACCOUNT: ("PartnerAccountId", "Partner Account ID"),
        },
        OPPORTUNITY_PARTNERS: {
            OPPORTUNITY_ID: ("OpportunityId", "Opportunity ID"),
            PARTNER_ID: ("AccountToId", "Account To ID", "Partner Account ID"),
            IS_PRIMARY: ("IsPrimary", "Primary"),
            IS_DELETED: ("IsDeleted", "Deleted"),
            ENGAGED_ON: ("CreatedDate", "Created Date"),
            ROLE: ("Role",),
        },
    },
    values={
        DEALS: {OUTCOME: _OUTCOME_LABELS},
        PARTNERS: {
            "type": {
                "Channel Partner / Reseller": "reseller",
                "Technology Partner": "technology",
                "Installation Partner": "services",
                "System Integrator": "services",
                "Referral Partner": "referral",
                "Distributor": "distributor",
            }
        },
    },
    inputs=(OPPORTUNITY_PARTNERS,),
    prepare=_prepare_salesforce,
)

HUBSPOT = Preset(
    "hubspot",
    "HubSpot deals and companies exports",
    files={
        PARTNERS: ("hubspot_crm_exports_*compan*", "companies"),
        DEALS: ("hubspot_crm_exports_*deals*",),
    },
    columns={
        PARTNERS: {
            PARTNER_ID: ("Record ID", "Company ID"),
            NAME: ("Company name", "Name"),
            "type": ("Type", "Company Type"),
            "tier": ("Partner Tier", "Tier"),
            "region": ("Region",),
            LIFECYCLE: ("Lifecycle Stage",),
        },
        DEALS: {
            DEAL_ID: ("Record ID", "Deal ID"),
            PARTNER_ID: ("Associated Partner Client IDs", "Partner"),
            PARTNER_NAME: ("Associated Partner Client",),
            ACCOUNT_ID: ("Associated Company IDs (Primary)", "Associated Company IDs"),
            ACCOUNT_NAME: ("Associated Company (Primary)", "Associated Company"),
            "created_on": ("Create Date",),
            "closed_on": ("Close Date",),
            OUTCOME: ("Deal Stage",),
            "amount": ("Amount",),
            "currency": ("Currency",),
            IS_WON: ("Is Closed Won",),
            IS_LOST: ("Is closed lost",),
            COMPANY_AMOUNT: ("Amount in company currency",),
        },
    },
    values={DEALS: {OUTCOME: {**_OUTCOME_LABELS, "closedwon": WON, "closedlost": LOST}}},
    prepare=_prepare_hubspot,
)

CROSSBEAM = Preset(
    "crossbeam",
    "Crossbeam-style account-mapping (overlap) exports",
    files={OVERLAPS: ("crossbeam*", "account_mapping*", "*overlaps*")},
    columns={
        OVERLAPS: {
            PARTNER_ID: ("Partner", "Partner Name", "Partner Organization"),
            ACCOUNT_ID: ("Record ID", "Account ID", "Record"),
            OUR_STATUS: ("Our Populations",),
            PARTNER_STATUS: ("Partner Populations",),
        }
    },
    prepare=_prepare_crossbeam,
)

PRESETS: Mapping[str, Preset] = MappingProxyType(
    {p.name: p for p in (SALESFORCE, HUBSPOT, CROSSBEAM)}
)
"""The preset registry, by name."""


def resolve_presets(preset: str | Preset | Sequence[str | Preset] | None, /) -> tuple[Preset, ...]:
    """Return the presets named (``KeyError`` with a suggestion for an unknown name).

    >>> [p.name for p in resolve_presets("salesforce,crossbeam")]
    ['salesforce', 'crossbeam']
    >>> [p.name for p in resolve_presets(["salesforce, crossbeam", "hubspot"])]
    ['salesforce', 'crossbeam', 'hubspot']
    >>> resolve_presets("hubspt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "unknown preset 'hubspt'; did you mean 'hubspot'? (presets: ...)"
    """
    if preset is None:
        return ()
    given = [preset] if isinstance(preset, str | Preset) else preset
    items: list[str | Preset] = []
    for entry in given:  # "a,b" names two presets, alone or as an item of a list
        if isinstance(entry, Preset):
            items.append(entry)
        else:
            items += [name.strip() for name in entry.split(",") if name.strip()]
    out: list[Preset] = []
    for item in items:
        if isinstance(item, Preset):
            out.append(item)
            continue
        key = item.lower()
        if key not in PRESETS:
            hint = did_you_mean(key, PRESETS)
            raise KeyError(f"unknown preset {item!r}{hint} (presets: {', '.join(sorted(PRESETS))})")
        out.append(PRESETS[key])
    return tuple(out)
