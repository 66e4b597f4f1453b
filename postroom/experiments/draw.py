"""Each recipient's place in an experiment's draw: a seeded hash of the subscriber, in [0, BUCKETS).

The same function twice: in Python (tests, the simulator) and as SQL the launch
evaluates inside its INSERT … SELECT, on SQLite and PostgreSQL alike (only
`&`, `|`, `>>`, `*` and `%` on 64-bit integers, which both have; XOR is
`(a | b) - (a & b)`). Two rounds of a 32-bit multiply-xorshift mix spread
consecutive ids evenly, so a range of buckets is a random sample of the audience.
"""

BUCKETS = 1_000_000
_MASK = 0xFFFFFFFF
_MULTIPLIER = 0x45D9F3B


def bucket(seed: int, subscriber_id: int) -> int:
    x = (subscriber_id ^ seed) & _MASK
    x = (((x >> 16) ^ x) * _MULTIPLIER) & _MASK
    x = (((x >> 16) ^ x) * _MULTIPLIER) & _MASK
    x = (x >> 16) ^ x
    return x % BUCKETS


def _xor(a: str, b: str) -> str:
    return f"(({a}) | ({b})) - (({a}) & ({b}))"


def bucket_sql(column: str, seed: int) -> str:
    """The SQL expression of `bucket(seed, <column>)`; `column` is trusted SQL, `seed` an int.

    For a statement executed with parameters: the modulo is written `%%`.
    """
    x = f"({_xor(column, str(int(seed)))}) & {_MASK}"
    for _ in range(2):
        x = f"(({_xor(f'({x}) >> 16', x)}) * {_MULTIPLIER}) & {_MASK}"
    x = _xor(f"({x}) >> 16", x)
    return f"(({x}) %% {BUCKETS})"


def bucket_select(source: str, columns: list[str], seed: int, *, vendor: str) -> str:
    """`SELECT <columns>, b FROM (<source>)` with `b` the bucket of the `id` column.

    Computed in stages, one mixing round per subquery, each behind an
    optimisation fence (`OFFSET 0`): inlined, the nested expression would be
    evaluated once for every place that reads `b` (dozens per row in the
    launch's CASEs). For a statement executed with parameters (`%%`).
    """
    fence = "OFFSET 0" if vendor == "postgresql" else "LIMIT -1 OFFSET 0"
    cols = ", ".join(columns)
    first = f"({_xor('id', str(int(seed)))}) & {_MASK}"
    sql = f"SELECT {cols}, {first} AS x FROM ({source}) s0 {fence}"  # noqa: S608
    for stage in (1, 2):
        mixed = f"(({_xor('x >> 16', 'x')}) * {_MULTIPLIER}) & {_MASK}"
        sql = f"SELECT {cols}, {mixed} AS x FROM ({sql}) s{stage} {fence}"  # noqa: S608
    last = f"({_xor('x >> 16', 'x')}) %% {BUCKETS}"
    return f"SELECT {cols}, {last} AS b FROM ({sql}) s3 {fence}"  # noqa: S608


def bucket_ranges(start: int, end: int, shares: list[float]) -> list[tuple[int, int]]:
    """Split [start, end) into consecutive ranges in proportion to `shares` (which sum to 1)."""
    ranges, low, total = [], start, 0.0
    for index, share in enumerate(shares):
        total += share
        high = end if index == len(shares) - 1 else start + round((end - start) * total)
        ranges.append((low, max(low, high)))
        low = max(low, high)
    return ranges
