"""Market identity over the whole history: which listings of which years are one market.

    from tracker.resolve import Knowledge, YearListings, cluster
    result = cluster([YearListings(2020, entries_2020), YearListings(2021, entries_2021)],
                     Knowledge.builtin(config.aliases), corrections, previous)
    result.market_of(2021, 0)  # the market id of 2021's first entry

Pure: no database, no I/O but reading the shipped knowledge table once.
"""

from tracker.resolve.cluster import cluster
from tracker.resolve.evidence import LINK, POSSIBLE
from tracker.resolve.ids import chain_redirects, slug
from tracker.resolve.knowledge import Identity, Knowledge
from tracker.resolve.types import (
    Assignment,
    Clustering,
    Correction,
    ListingKey,
    Market,
    Merge,
    NameChange,
    PossibleMatch,
    PriorListing,
    Rejected,
    Rename,
    Split,
    YearListings,
)

__all__ = [
    "LINK",
    "POSSIBLE",
    "Assignment",
    "Clustering",
    "Correction",
    "Identity",
    "Knowledge",
    "ListingKey",
    "Market",
    "Merge",
    "NameChange",
    "PossibleMatch",
    "PriorListing",
    "Rejected",
    "Rename",
    "Split",
    "YearListings",
    "chain_redirects",
    "cluster",
    "slug",
]
