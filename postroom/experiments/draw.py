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
    """The SQL expression of `bucket(seed, <column>)`; `column` is trusted SQL, `seed` an int."""
    x = f"({_xor(column, str(int(seed)))}) & {_MASK}"
    for _ in range(2):
        x = f"(({_xor(f'({x}) >> 16', x)}) * {_MULTIPLIER}) & {_MASK}"
    x = _xor(f"({x}) >> 16", x)
    return f"(({x}) % {BUCKETS})"


def bucket_ranges(start: int, end: int, shares: list[float]) -> list[tuple[int, int]]:
    """Split [start, end) into consecutive ranges in proportion to `shares` (which sum to 1)."""
    ranges, low, total = [], start, 0.0
    for index, share in enumerate(shares):
        total += share
        high = end if index == len(shares) - 1 else start + round((end - start) * total)
        ranges.append((low, max(low, high)))
        low = max(low, high)
    return ranges
